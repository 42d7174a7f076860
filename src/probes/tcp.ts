/**
 * TCP connect to one address, bounded by a signal. Refused, timed out, unreachable and reset are
 * told apart (the root-cause checks depend on it). The socket is returned connected; the caller
 * owns it and must destroy it.
 */
import net from 'node:net';
import type { Family, ProbeError } from '../model/evidence.js';
import { classifyError } from '../errors/classify.js';
import { since } from '../util/deadline.js';

export type TcpResult = { ok: true; socket: net.Socket; ms: number; localAddress?: string } | { ok: false; error: ProbeError; ms: number };

export function connectTcp(address: string, port: number, family: Family, signal: AbortSignal): Promise<TcpResult> {
  const t0 = performance.now();
  return new Promise<TcpResult>((resolve) => {
    if (signal.aborted) {
      resolve({ ok: false, error: classifyError(signal.reason, signal), ms: 0 });
      return;
    }
    const socket = net.connect({ host: address, port, family });
    // A late error after we settled must never crash the process.
    socket.on('error', () => {});
    let settled = false;
    const done = (r: TcpResult) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      if (!r.ok) socket.destroy();
      resolve(r);
    };
    const onAbort = () => done({ ok: false, error: classifyError(signal.reason, signal), ms: since(t0) });
    const onConnect = () => {
      socket.setNoDelay(true);
      done({ ok: true, socket, ms: since(t0), ...(socket.localAddress ? { localAddress: socket.localAddress } : {}) });
    };
    socket.once('connect', onConnect);
    socket.once('error', (e) => done({ ok: false, error: classifyError(e), ms: since(t0) }));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
