/**
 * The pre-auth probe's connection kept open for the login (issue #9: one connection per endpoint
 * address). A run that has credentials lets each address probe hand over its open TLS connection
 * when the conversation ended cleanly on TLS that verified (chain and name) with an OK greeting;
 * the doctor's login takes the one of the address policy chose, and every other one is closed.
 * Before the secret goes over a kept connection, `fitForLogin` checks it again on the socket
 * itself, as imapflow's own strict check would on a new one: chain verified by the same trust
 * store, the certificate names the host, the connection still open and silent since the probe.
 * When it is not, the login dials a new connection as before; nothing was sent on the kept one.
 */
import tls from 'node:tls';
import type { AddressProbe, Security } from '../model/evidence.js';
import { starttlsAccepted, tlsVerified } from '../model/reading.js';
import { DEFAULTS } from '../options.js';

export interface KeptConnection {
  /** The verified TLS connection, paused, with no reader attached. */
  socket: tls.TLSSocket;
  /** The greeting to replay to the login client, with the capabilities read on this connection. */
  replay: string;
  endpoint: string;
  address: string;
}

/** A capability name safe to put back inside a [CAPABILITY …] response code. */
const CAP_ATOM = /^[!#-'*-Z^-z|~]+$/;

/**
 * The greeting line to replay for a login over this connection, or undefined when the probe's
 * evidence does not allow one: greeting OK, TLS verified, STARTTLS (when used) accepted without
 * injected bytes and the capabilities read again after TLS. The capabilities are those a client on
 * a new connection would have gone by: the greeting's, else the CAPABILITY reply (after STARTTLS:
 * the reply after TLS). Pure.
 */
export function replayFor(res: AddressProbe, security: Security): string | undefined {
  if (security === 'plain' || !tlsVerified(res)) return undefined;
  const g = res.greeting.state === 'ok' ? res.greeting.value : undefined;
  if (!g || g.kind !== 'ok') return undefined;
  let caps: string[] | undefined;
  if (security === 'starttls') {
    if (!starttlsAccepted(res) || res.starttls?.state !== 'ok' || res.starttls.value.injectedBytes > 0)
      return undefined;
    caps = res.capabilityAfterTls?.state === 'ok' ? res.capabilityAfterTls.value : undefined;
    if (!caps) return undefined;
  } else {
    // What a new connection's client would have used: the greeting's list when it has one, else the CAPABILITY reply.
    caps = g.capabilities ?? (res.capability.state === 'ok' ? res.capability.value : undefined);
  }
  const text = g.text.replace(/[\r\n]/g, ' ');
  const list = (caps ?? []).filter((c) => CAP_ATOM.test(c));
  return list.length > 0 ? `* OK [CAPABILITY ${list.join(' ')}] ${text}` : `* OK ${text}`;
}

/** May the secret go over this kept connection now? Checked on the socket itself, right before the login. */
export function fitForLogin(k: KeptConnection, host: string): boolean {
  const s = k.socket;
  if (s.destroyed || !s.writable || s.readableEnded || s.readableLength > 0) return false;
  if (s.authorized !== true) return false;
  const cert = s.getPeerCertificate();
  return !!cert?.raw && tls.checkServerIdentity(host, cert) === undefined;
}

/** LOGOUT (not waited for) and close: a kept connection nobody logs in over. */
export function closeKept(k: KeptConnection): void {
  const s = k.socket;
  if (!s.destroyed) s.end('a9 LOGOUT\r\n');
  setTimeout(() => s.destroy(), DEFAULTS.hangUpGraceMs).unref();
}

/** The kept connections of one run, by endpoint and address; each taken at most once. */
export class KeptConnections {
  private readonly kept = new Map<string, KeptConnection>();

  readonly offer = (k: KeptConnection): void => {
    const key = `${k.endpoint}|${k.address}`;
    const old = this.kept.get(key);
    if (old) closeKept(old);
    // Parked with no reader: an error must not go unhandled, and a close drops it from the run.
    k.socket.on('error', () => {});
    k.socket.once('close', () => {
      if (this.kept.get(key) === k) this.kept.delete(key);
    });
    this.kept.set(key, k);
  };

  take(endpoint: string, address: string): KeptConnection | undefined {
    const key = `${endpoint}|${address}`;
    const k = this.kept.get(key);
    this.kept.delete(key);
    return k;
  }

  get size(): number {
    return this.kept.size;
  }

  closeAll(): void {
    for (const k of this.kept.values()) closeKept(k);
    this.kept.clear();
  }
}
