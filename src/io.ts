/**
 * The doctor's I/O primitives, in one small interface handed in through `DoctorDeps.io`: a TCP
 * connect, TLS over a connected stream, and the clock. Probes, the HTTP fetcher and the AIA fetch
 * open every connection through `connect` and `startTls`, so a test can hand them one end of an
 * in-memory duplex (`stream.duplexPair`) instead of a socket. Name lookups arrive separately
 * (`DoctorDeps.lookup`, discovery's resolver). `NODE_IO` is the real thing; the CLI passes it.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

/** Plain functions (passed around unbound). */
export interface Clock {
  /** Wall-clock time: the run's start, what certificates and dates are judged against. */
  now: () => Date;
  /** Monotonic milliseconds (performance.now()): durations and timelines. */
  mono: () => number;
}

export interface ConnectTarget {
  /** An address, or a host name resolved through `lookup`. */
  host: string;
  port: number;
  family?: 4 | 6;
  /** Resolves a host name (node:net's lookup signature); unused for an address. */
  lookup?: net.LookupFunction;
}

export interface Connected {
  /** The connected stream; the caller owns it and must destroy it. */
  socket: Duplex;
  localAddress?: string;
}

export interface Io {
  /** Resolves once connected; rejects with the connection's error, or the signal's reason when it fires first. */
  connect(to: ConnectTarget, signal: AbortSignal): Promise<Connected>;
  /** The client side of TLS over a connected stream (the handshake starts at once). */
  startTls(socket: Duplex, options: tls.ConnectionOptions): tls.TLSSocket;
  clock: Clock;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date(), mono: () => performance.now() };

function nodeConnect(to: ConnectTarget, signal: AbortSignal): Promise<Connected> {
  return new Promise<Connected>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = net.connect({
      host: to.host,
      port: to.port,
      ...(to.family ? { family: to.family } : {}),
      ...(to.lookup ? { lookup: to.lookup } : {}),
    });
    // A late error after we settled must never crash the process.
    socket.on('error', () => {});
    const settle = () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('error', onError);
    };
    const onAbort = () => {
      settle();
      socket.destroy();
      reject(signal.reason);
    };
    const onError = (e: Error) => {
      settle();
      socket.destroy();
      reject(e);
    };
    const onConnect = () => {
      settle();
      socket.setNoDelay(true);
      resolve({ socket, ...(socket.localAddress ? { localAddress: socket.localAddress } : {}) });
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Node's own network and clock. */
export const NODE_IO: Io = {
  connect: nodeConnect,
  startTls: (socket, options) => tls.connect({ ...options, socket }),
  clock: SYSTEM_CLOCK,
};
