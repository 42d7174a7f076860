/**
 * A userspace latency injector (there is no netem here): a TCP proxy on one free loopback address 127.78.x.y that
 * forwards each listed port to a real server and holds every payload chunk, and each FIN, for `delayMs` in each
 * direction. The TCP handshake with the client is not delayed (the kernel completes it at once), so a connect is
 * free and every protocol round trip costs 2 × delayMs. Counts accepted connections per port. Only for tests and
 * the bench: no backpressure, no limits.
 */
import { randomInt } from 'node:crypto';
import net from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

export interface DelayProxy {
  /** The loopback address every port listens on. */
  readonly ip: string;
  /** One-way delay in ms for connections accepted from now on. */
  delayMs: number;
  /** Connections accepted per listening port since start (or the last resetCounts). */
  readonly accepted: Record<number, number>;
  resetCounts(): void;
  close(): Promise<void>;
}

export interface DelayProxyOptions {
  /** Listening port → upstream. */
  routes: Record<number, ProxyTarget>;
  delayMs?: number;
}

/** Copies `from` to `to`, each chunk and the end `delayMs` after it arrived (same delay: order is kept). */
function delayedPipe(from: net.Socket, to: net.Socket, delayMs: number, timers: Set<NodeJS.Timeout>): void {
  const later = (fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, delayMs);
    timers.add(t);
  };
  from.on('data', (chunk: Buffer) => later(() => to.destroyed || to.write(chunk)));
  from.on('end', () => later(() => to.destroyed || to.end()));
  // A reset or error on one side reaches the other side as a reset, just as late.
  from.on('close', (hadError) => {
    if (hadError) later(() => to.destroy());
  });
  from.on('error', () => undefined);
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const closeAll = (servers: net.Server[]): Promise<void> =>
  Promise.all(
    servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))),
  ).then(() => undefined);

export async function startDelayProxy(o: DelayProxyOptions): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const ports = Object.keys(o.routes).map(Number);
  const accepted: Record<number, number> = Object.fromEntries(ports.map((p) => [p, 0]));
  const state = { delayMs: o.delayMs ?? 0 };
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const serverFor = (port: number, to: ProxyTarget): net.Server =>
    // Half-open on both sides: a FIN goes on only through delayedPipe, as late as the data before it.
    net.createServer({ allowHalfOpen: true }, (client) => {
      accepted[port] = (accepted[port] ?? 0) + 1;
      const upstream = net.connect({ port: to.port, host: to.host, allowHalfOpen: true });
      track(client);
      track(upstream);
      delayedPipe(client, upstream, state.delayMs, timers);
      delayedPipe(upstream, client, state.delayMs, timers);
    });

  for (let attempt = 0; attempt < 40; attempt++) {
    const ip = `127.78.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const servers: net.Server[] = [];
    try {
      for (const port of ports) {
        const s = serverFor(port, o.routes[port] as ProxyTarget);
        servers.push(s);
        await listen(s, port, ip);
      }
    } catch (err) {
      await closeAll(servers);
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    return {
      ip,
      get delayMs() {
        return state.delayMs;
      },
      set delayMs(ms: number) {
        state.delayMs = ms;
      },
      accepted,
      resetCounts: () => {
        for (const p of ports) accepted[p] = 0;
      },
      close: async () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        await closeAll(servers);
      },
    };
  }
  throw new Error('delay proxy: no free 127.78.x.y address after 40 tries');
}
