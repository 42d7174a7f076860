/**
 * An in-memory Io for fast probe tests: every connect is one end of a `stream.duplexPair()`, the
 * other end handed to a scripted server; TLS is real (node:tls on both ends of the pair), with a
 * throw-away certificate made by the `openssl` CLI. Only for behaviour no real server produces on
 * purpose, or as fast unit tests of a path the lab tests end to end.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { duplexPair, type Duplex } from 'node:stream';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { NODE_IO, SYSTEM_CLOCK, type Clock, type ConnectTarget, type Io } from '../../src/io.js';

/** What a scripted server does with a connection: serve it, refuse it (an Error), or never answer the SYN. */
export type Serve = (server: Duplex, to: ConnectTarget & { address: string }) => void | Error | 'silent';

export interface MemoryIo extends Io {
  /** Every connection made (after name resolution), in order. */
  dialled: Array<ConnectTarget & { address: string }>;
}

/** A node:net-like error, classified by classifyError as node's own would be. */
export function netError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

function resolveName(to: ConnectTarget): Promise<string> {
  if (isIP(to.host) !== 0 || !to.lookup) return Promise.resolve(to.host);
  const lookup = to.lookup;
  return new Promise((resolve, reject) =>
    lookup(to.host, { family: to.family ?? 0, all: false }, (err, address) =>
      err ? reject(err) : resolve(String(address)),
    ),
  );
}

export function memoryIo(serve: Serve, clock: Clock = SYSTEM_CLOCK): MemoryIo {
  const dialled: MemoryIo['dialled'] = [];
  return {
    dialled,
    clock,
    startTls: NODE_IO.startTls,
    connect: async (to, signal) => {
      if (signal.aborted) throw signal.reason;
      const target = { ...to, address: await resolveName(to) };
      dialled.push(target);
      const [client, server] = duplexPair();
      const r = serve(server, target);
      if (r instanceof Error) throw r;
      if (r === 'silent') {
        return new Promise((_resolve, reject) => {
          if (signal.aborted) reject(signal.reason);
          else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      return { socket: client, localAddress: '198.51.100.1' };
    },
  };
}

/** Reads lines from a stream, one callback per CRLF-terminated line; returns a function that stops reading. */
export function onLines(s: Duplex, each: (line: string) => void): () => void {
  let buf = '';
  const onData = (d: Buffer) => {
    buf += d.toString('latin1');
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      each(line);
    }
  };
  s.on('data', onData);
  return () => s.off('data', onData);
}

/** A TLS server end over a duplex, started at once (implicit TLS). */
export function serverTls(s: Duplex, cert: TestCert): tls.TLSSocket {
  const t = new tls.TLSSocket(s, {
    isServer: true,
    secureContext: tls.createSecureContext({ key: cert.key, cert: cert.cert }),
  });
  t.on('error', () => {});
  return t;
}

/**
 * A TLS server end started by the client's first bytes (after STARTTLS). Seen with Node 20.20 and 26.12: a
 * server TLSSocket made over a duplexPair end that already wrote (the OK) and waits there before
 * the ClientHello leaves the client's handshake stalled; a server started on the ClientHello
 * does not. Real servers sit on a net.Socket and are not affected.
 */
export function serverTlsOnHello(s: Duplex, cert: TestCert, ready: (t: tls.TLSSocket) => void): void {
  const first = (d: Buffer) => {
    s.off('data', first);
    s.pause();
    s.unshift(d);
    ready(serverTls(s, cert));
  };
  s.on('data', first);
}

export interface TestCert {
  cert: string;
  key: string;
  /** notAfter, as a Date. */
  validTo: Date;
}

/** A self-signed EC certificate for `names` (its own trust anchor in a test's trust store), valid for `days`. */
export async function makeTestCert(names: string[], days = 365): Promise<TestCert> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'imap-doctor-cert-'));
  try {
    const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    const args = [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'k.pem',
      '-out',
      'c.pem',
      '-days',
      String(days),
      '-subj',
      `/CN=${names[0]}`,
      '-addext',
      `subjectAltName=${san}`,
    ];
    await promisify(execFile)('openssl', args, { cwd: dir });
    const [cert, key] = await Promise.all([
      readFile(path.join(dir, 'c.pem'), 'utf8'),
      readFile(path.join(dir, 'k.pem'), 'utf8'),
    ]);
    return { cert, key, validTo: new Date(new X509Certificate(cert).validTo) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
