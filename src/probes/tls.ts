/**
 * TLS handshake on an already-connected socket with verification *off*, then judged here:
 * chain verification against the trust store (Node's own hostname check disabled) and a
 * separate hostname check against the name dialled, so the report always has the chain.
 */
import tls from 'node:tls';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProbeError, TlsInfo } from '../model/evidence.js';
import { classifyError } from '../errors/classify.js';
import type { Io } from '../io.js';
import { since } from '../util/deadline.js';
import type { TrustStore } from './trust.js';
import { certInfo, peerChain } from './x509.js';

export type TlsResult =
  { ok: true; socket: tls.TLSSocket; info: TlsInfo; ms: number } | { ok: false; error: ProbeError; ms: number };

export interface HandshakeParams {
  /** The name dialled (host name or IP literal); SNI is sent only for names. */
  host: string;
  trust: TrustStore;
  legacy?: boolean;
  signal: AbortSignal;
  /** Where TLS is started and the clock timing it. */
  io: Io;
}

export function handshake(socket: Duplex, p: HandshakeParams): Promise<TlsResult> {
  const mono = () => p.io.clock.mono();
  const t0 = mono();
  const servername = isIP(p.host) === 0 ? p.host : undefined;
  return new Promise<TlsResult>((resolve) => {
    if (p.signal.aborted) {
      resolve({ ok: false, error: classifyError(p.signal.reason, p.signal), ms: 0 });
      return;
    }
    // Node hands its hostname check the peer's certificate chain when the chain verified; describe() reads
    // that one instead of asking for the same chain again.
    let verifiedPeer: tls.PeerCertificate | undefined;
    const s = p.io.startTls(socket, {
      ...(servername ? { servername } : {}),
      secureContext: p.trust.context(p.legacy ? 'legacy' : 'modern'),
      rejectUnauthorized: false,
      // Judged separately below, so a name mismatch never hides a chain problem.
      checkServerIdentity: (_host, cert) => void (verifiedPeer = cert),
    });
    s.on('error', () => {});
    let settled = false;
    const done = (r: TlsResult) => {
      if (settled) return;
      settled = true;
      p.signal.removeEventListener('abort', onAbort);
      if (!r.ok) {
        s.destroy();
        socket.destroy();
      }
      resolve(r);
    };
    const onAbort = () => done({ ok: false, error: classifyError(p.signal.reason, p.signal), ms: since(t0, mono) });
    p.signal.addEventListener('abort', onAbort, { once: true });
    s.once('error', (e) => done({ ok: false, error: classifyError(e), ms: since(t0, mono) }));
    s.once('close', () =>
      done({
        ok: false,
        error: { code: 'RESET', why: { code: 'closed-in-tls-handshake' } },
        ms: since(t0, mono),
      }),
    );
    s.once('secureConnect', () => {
      try {
        done({ ok: true, socket: s, info: describe(s, p, verifiedPeer), ms: since(t0, mono) });
      } catch (e) {
        done({
          ok: false,
          error: { code: 'INTERNAL', why: { code: 'tls-session-unreadable' }, message: (e as Error).message },
          ms: since(t0, mono),
        });
      }
    });
  });
}

function describe(s: tls.TLSSocket, p: HandshakeParams, verifiedPeer?: tls.PeerCertificate): TlsInfo {
  const peer = (verifiedPeer as tls.DetailedPeerCertificate | undefined) ?? s.getPeerCertificate(true);
  const chainRaw = peer && peer.raw ? peerChain(peer) : [];
  const chain = chainRaw.map((c) => certInfo(c, (der) => p.trust.isAnchor(der)));
  const cipher = s.getCipher();
  let hostnameOk = false;
  let hostnameError: string | undefined;
  let hostnameFailure: TlsInfo['hostnameFailure'];
  if (peer && peer.raw) {
    const err = tls.checkServerIdentity(p.host, peer);
    hostnameOk = err === undefined;
    if (err) hostnameError = err.message;
  } else {
    hostnameFailure = 'no-certificate';
  }
  const verifyError = s.authorized ? undefined : String(s.authorizationError ?? 'UNKNOWN');
  const servername = isIP(p.host) === 0 ? p.host : undefined;
  return {
    protocol: s.getProtocol() ?? 'unknown',
    cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
    ...(servername ? { servername } : {}),
    chain,
    chainVerified: s.authorized,
    ...(verifyError ? { verifyError } : {}),
    hostnameChecked: p.host,
    hostnameOk,
    ...(hostnameError ? { hostnameError } : {}),
    ...(hostnameFailure ? { hostnameFailure } : {}),
    ...(p.legacy ? { legacyOnly: true } : {}),
  };
}

/** DER of the leaf, for the AIA check. */
export function leafDer(s: tls.TLSSocket): Buffer | undefined {
  const c = s.getPeerCertificate(false);
  return c && c.raw ? c.raw : undefined;
}
