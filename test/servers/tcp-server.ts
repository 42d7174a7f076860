/**
 * The smallest scripted TCP server for tests: `onConnection(socket, n)` for the n-th connection on
 * 127.0.0.1 (a free port), every byte it is sent counted, `close()` ending every connection first.
 * For behaviour no real server has on purpose: silence, drips, floods.
 */
import net from 'node:net';

export interface TcpTestServer {
  port: number;
  /** Bytes received so far, over all connections. */
  received(): number;
  close(): Promise<void>;
}

export async function startTcpServer(
  onConnection: (s: net.Socket, n: number) => void = () => {},
): Promise<TcpTestServer> {
  let n = 0;
  let bytes = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((s) => {
    open.add(s);
    s.on('error', () => {});
    s.on('data', (d: Buffer) => (bytes += d.length));
    s.on('close', () => open.delete(s));
    onConnection(s, ++n);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => bytes,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
