/**
 * The latency injector of the bench (test/servers/delay-proxy.ts), against a real echo/greeting server on
 * loopback: bytes arrive intact and in order, never earlier than the delay in each direction, the connect
 * itself is not delayed, FIN travels as late as data, and accepted connections are counted per port.
 * Lower bounds only: an upper bound would measure this machine's load, not the proxy.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../servers/delay-proxy.js';

const D = 80;
const PORT = 9930;

let upstream: net.Server;
let proxy: DelayProxy;
/** When the upstream saw each client's end (FIN), by the client's first line. */
const endsAt = new Map<string, number>();

beforeAll(async () => {
  upstream = net.createServer((s) => {
    s.write('* OK hello\r\n');
    let first: string | null = null;
    s.on('data', (d: Buffer) => {
      first ??= d.toString().split('\r\n')[0] ?? '';
      s.write(d);
    });
    s.on('end', () => {
      endsAt.set(first ?? '', performance.now());
      s.end();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as net.AddressInfo).port;
  proxy = await startDelayProxy({ routes: { [PORT]: { host: '127.0.0.1', port } }, delayMs: D });
});
afterAll(async () => {
  await proxy?.close();
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
});

/** Connects through the proxy; resolves with the socket and when it connected. */
function connect(): Promise<{ socket: net.Socket; t0: number; connectedAt: number }> {
  const t0 = performance.now();
  const socket = net.connect(PORT, proxy.ip);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => resolve({ socket, t0, connectedAt: performance.now() }));
  });
}

/** Collects what arrives until `text` has been seen; resolves with the time it completed. */
function until(socket: net.Socket, text: string, sink: { data: string }): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      if (sink.data.includes(text)) {
        socket.off('data', onData);
        resolve(performance.now());
      }
    };
    const onData = (d: Buffer) => {
      sink.data += d.toString();
      check();
    };
    socket.on('data', onData);
    check();
  });
}

describe('delay proxy', () => {
  it('listens on a 127.78.x.y address', () => {
    expect(proxy.ip).toMatch(/^127\.78\.\d+\.\d+$/);
  });

  it("connects at once, then holds the server's greeting D and a request/answer 2D, bytes intact and in order", async () => {
    const { socket, connectedAt } = await connect();
    const sink = { data: '' };
    const greetedAt = await until(socket, '* OK hello\r\n', sink);
    // The greeting leaves the upstream when it accepts (the proxy connects at once) and is held D.
    expect(greetedAt - connectedAt).toBeGreaterThanOrEqual(D - 1);
    const lines = Array.from({ length: 50 }, (_, i) => `a${i} NOOP ${'x'.repeat(i * 40)}\r\n`);
    const sentAt = performance.now();
    for (const l of lines) socket.write(l);
    const answeredAt = await until(socket, lines[lines.length - 1] as string, sink);
    expect(answeredAt - sentAt).toBeGreaterThanOrEqual(2 * D - 1);
    expect(sink.data).toBe(`* OK hello\r\n${lines.join('')}`);
    socket.destroy();
  });

  it("delivers the client's FIN as late as its data", async () => {
    const { socket } = await connect();
    const endedAt = performance.now();
    socket.end('fin-probe\r\n');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()).resume());
    expect((endsAt.get('fin-probe') ?? 0) - endedAt).toBeGreaterThanOrEqual(D - 1);
  });

  it('counts accepted connections per port until reset', async () => {
    proxy.resetCounts();
    const a = await connect();
    const b = await connect();
    await new Promise((r) => setTimeout(r, 20));
    expect(proxy.accepted[PORT]).toBe(2);
    a.socket.destroy();
    b.socket.destroy();
    proxy.resetCounts();
    expect(proxy.accepted[PORT]).toBe(0);
  });
});
