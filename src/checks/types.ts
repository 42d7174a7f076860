/**
 * What a check sees and returns. Checks are pure and synchronous: evidence in, findings out,
 * no I/O and no prose. The runner catches a throwing check as INTERNAL_ERROR.
 */
import type { EmailAddress } from '../address.js';
import { CATALOGUE, type Actor, type FindingCode, type Params, type Severity } from '../catalogue/index.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import type { AddressProbe, EndpointEvidence, NetworkEvidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';

export interface CheckContext {
  address: EmailAddress;
  user: string;
  endpoints: readonly EndpointEvidence[];
  discovery: DiscoveryEvidence | null;
  /** Reference probes and clock samples gathered to interpret failures. */
  network: NetworkEvidence;
  now: Date;
  expiryWarningDays: number;
  timeoutMs: number;
  deadlineMs: number;
  credentials: 'password' | 'oauth' | null;
  noLoginReason?: string;
  /** Steps cut by the run deadline (filled by the doctor). */
  deadlineHit: string[];
  /** Steps cut by Ctrl-C, or null when the run was not interrupted. */
  interrupted: string[] | null;
}

export interface Check {
  id: string;
  run(ctx: CheckContext): Finding[];
}

export function finding(code: FindingCode, stage: Finding['stage'], params: Params, where?: { e?: EndpointEvidence; a?: AddressProbe; severity?: Severity; who?: Actor }): Finding {
  const e = where?.e;
  return {
    code,
    severity: where?.severity ?? CATALOGUE[code].severity,
    subject: e
      ? { host: e.candidate.host, port: e.candidate.port, security: e.candidate.security, ...(where?.a && e.addresses.length > 1 ? { address: where.a.address } : {}) }
      : {},
    params,
    stage,
    ...(e ? { endpoint: e.id } : {}),
    ...(where?.who ? { who: where.who } : {}),
  };
}

// The notions checks read come from the one reading of the evidence (model/reading.ts).
export { loginCapabilities, notEvidence, stageOutcomes, starttlsAccepted, starttlsInjected, tlsOf, tlsStageOf, tlsVerified, verifiedAddress } from '../model/reading.js';

export function perAddress(ctx: CheckContext, fn: (e: EndpointEvidence, a: AddressProbe) => Finding[]): Finding[] {
  return ctx.endpoints.flatMap((e) => e.addresses.flatMap((a) => fn(e, a)));
}
