/**
 * TCP connect to one address through the injected connect, bounded by a signal. Refused, timed
 * out, unreachable and reset are told apart (the root-cause checks depend on it). The stream is
 * returned connected; the caller owns it and must destroy it.
 */
import type { Duplex } from 'node:stream';
import type { Family, ProbeError } from '../model/evidence.js';
import { classifyError } from '../errors/classify.js';
import type { Io } from '../io.js';
import { since } from '../util/deadline.js';

export type TcpResult =
  { ok: true; socket: Duplex; ms: number; localAddress?: string } | { ok: false; error: ProbeError; ms: number };

/** A classified connect to one address (what the probes and the reference probes call). */
export type TcpConnect = (address: string, port: number, family: Family, signal: AbortSignal) => Promise<TcpResult>;

export async function connectTcp(
  io: Io,
  address: string,
  port: number,
  family: Family,
  signal: AbortSignal,
): Promise<TcpResult> {
  if (signal.aborted) return { ok: false, error: classifyError(signal.reason, signal), ms: 0 };
  const mono = () => io.clock.mono();
  const t0 = mono();
  const ms = () => since(t0, mono);
  try {
    const c = await io.connect({ host: address, port, family }, signal);
    return { ok: true, socket: c.socket, ms: ms(), ...(c.localAddress ? { localAddress: c.localAddress } : {}) };
  } catch (e) {
    return { ok: false, error: signal.aborted ? classifyError(signal.reason, signal) : classifyError(e), ms: ms() };
  }
}

/** connectTcp bound to one Io. */
export const tcpConnector =
  (io: Io): TcpConnect =>
  (address, port, family, signal) =>
    connectTcp(io, address, port, family, signal);
