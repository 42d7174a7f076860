/**
 * A TLS-terminating IMAP proxy in front of a real lab Dovecot that breaks what no real Dovecot
 * breaks on purpose. It presents the lab's good certificate, forwards every line both ways, and
 * for IDLE either refuses it itself (`refuse`: a tagged NO), swallows it so no continuation ever
 * comes (`swallow`), or passes IDLE but swallows the client's DONE (`swallow-done`); commands
 * matching `refuse` get a tagged NO [SERVERBUG] from the proxy (Dovecot answers LIST and a date
 * SEARCH even over unreadable folders). Listens on an ephemeral port of the given address, so
 * parallel runs never collide; `close()` ends every connection.
 */
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';

export type IdleBreakMode = 'refuse' | 'swallow' | 'swallow-done';

export interface BreakingProxy {
  port: number;
  close(): Promise<void>;
}

export async function startBreakingProxy(o: {
  host: string;
  target: { host: string; port: number };
  cert: { crt: string; key: string };
  mode?: IdleBreakMode;
  refuse?: RegExp;
}): Promise<BreakingProxy> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: readFileSync(o.cert.crt), key: readFileSync(o.cert.key) }, (client) => {
    const upstream = tls.connect({ host: o.target.host, port: o.target.port, rejectUnauthorized: false });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    let buf = '';
    let idling = false;
    client.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const idle = /^(\S+) IDLE$/i.exec(line);
        const refused = o.refuse && /^(\S+) (.*)$/.exec(line);
        if (refused && o.refuse?.test(refused[2] ?? ''))
          client.write(`${refused[1]} NO [SERVERBUG] Internal error occurred (refused by the test proxy)\r\n`);
        else if (idle && o.mode === 'refuse')
          client.write(`${idle[1]} NO [UNAVAILABLE] IDLE is not allowed through this proxy\r\n`);
        else if (idle && o.mode === 'swallow') continue;
        else if (/^DONE$/i.test(line) && idling && o.mode === 'swallow-done') idling = false;
        else {
          if (idle) idling = true;
          upstream.write(`${line}\r\n`, 'latin1');
        }
      }
    });
    client.on('end', () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, o.host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
