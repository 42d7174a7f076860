/**
 * When may the password (or OAuth token) be sent? Only over TLS whose certificate verified (system roots plus
 * --ca-file) and whose name matched, never before TLS, never when LOGINDISABLED forbids it, never
 * after STARTTLS was tampered with, and only to hosts the user named or a trusted source gave.
 * Pure: evidence in, a decision out.
 */
import { hasCap } from './probes/imap-parse.js';
import type { AddressProbe, EndpointEvidence, LoginWithheldReason } from './model/evidence.js';
import { loginCapabilities, sessionReady, starttlsInjected, tlsOf, tlsVerified } from './model/reading.js';

export type LoginDecision = { go: true; address: AddressProbe } | { go: false; reason: LoginWithheldReason };

/**
 * SASL mechanisms that carry an OAuth 2 bearer token (RFC 7628 OAUTHBEARER, Google's XOAUTH2;
 * imapflow takes OAUTHBEARER when both are offered). A token goes only where one is advertised,
 * and only under the same TLS rules as a password: it is a secret of the same weight.
 */
const TOKEN_MECHANISMS = ['AUTH=OAUTHBEARER', 'AUTH=XOAUTH2'] as const;
/** SASL mechanisms that carry a password (RFC 4616 PLAIN, LOGIN); without them the LOGIN command (RFC 9051 §6.2.3). */
const PASSWORD_MECHANISMS = ['AUTH=PLAIN', 'AUTH=LOGIN'] as const;

export function decideLogin(e: EndpointEvidence, credential: 'password' | 'oauth'): LoginDecision {
  const complete = e.addresses.filter(sessionReady);
  if (e.candidate.security === 'plain') {
    const a = e.addresses.find((x) => x.capability.state === 'ok');
    if (a && a.capability.state === 'ok' && hasCap(a.capability.value, 'LOGINDISABLED'))
      return { go: false, reason: 'login-disabled' };
    return a ? { go: false, reason: 'no-tls' } : { go: false, reason: 'unreachable' };
  }
  if (complete.length === 0) {
    if (e.addresses.some(starttlsInjected)) return { go: false, reason: 'starttls-injection' };
    // A handshake that came up but did not verify (a failed handshake is just unreachable here).
    if (e.addresses.some((a) => tlsOf(a)?.state === 'ok' && !tlsVerified(a)))
      return { go: false, reason: 'tls-not-verified' };
    return { go: false, reason: 'unreachable' };
  }
  const verified = complete.filter((a) => tlsVerified(a) && !starttlsInjected(a));
  if (verified.length === 0)
    return { go: false, reason: complete.some(starttlsInjected) ? 'starttls-injection' : 'tls-not-verified' };
  const a = verified[0] as AddressProbe;
  const caps = loginCapabilities(a) ?? [];
  if (credential === 'oauth') {
    if (!TOKEN_MECHANISMS.some((m) => hasCap(caps, m))) return { go: false, reason: 'no-mechanism' };
  } else if (!PASSWORD_MECHANISMS.some((m) => hasCap(caps, m)) && hasCap(caps, 'LOGINDISABLED')) {
    return { go: false, reason: 'login-disabled' };
  }
  if (e.candidate.trust !== 'trusted' && !e.candidate.userTrusted) return { go: false, reason: 'untrusted-host' };
  return { go: true, address: a };
}
