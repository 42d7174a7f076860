/**
 * Candidates from --host/--port/--security. A missing port follows the security (993 for tls,
 * 143 otherwise); a missing security follows the port (993 → tls, else starttls); with neither,
 * both 993/tls and 143/starttls are probed and marked as guessed ports.
 */
import type { Candidate, Security } from '../model/evidence.js';

export function userCandidates(
  host: string,
  port: number | undefined,
  security: Security | undefined,
  ports: Record<Security, number>,
): Candidate[] {
  const make = (p: number, s: Security, portGuessed: boolean): Candidate => ({
    host,
    port: p,
    security: s,
    provenance: 'user',
    trust: 'trusted',
    userTrusted: true,
    portGuessed,
    sources: [{ source: 'user', ref: '--host', trust: 'trusted', trustReason: 'named-by-user' }],
  });
  if (port !== undefined && security !== undefined) return [make(port, security, false)];
  if (security !== undefined) return [make(ports[security], security, false)];
  if (port !== undefined) return [make(port, port === ports.tls ? 'tls' : 'starttls', false)];
  return [make(ports.tls, 'tls', true), make(ports.starttls, 'starttls', true)];
}
