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

/**
 * Evidence a check needs (Lighthouse's "required artifacts"): the runner skips a check whose need
 * is missing, with that need as the one coded reason, so checks do not gate themselves.
 * - discovery: discovery ran (ctx.discovery is set)
 * - endpoints: at least one endpoint was probed
 * - tls: some address has a TLS outcome (implicit TLS or after STARTTLS)
 * - login: some endpoint's login was attempted
 * - credentials: the run had a password or token
 */
export type Need = 'discovery' | 'endpoints' | 'tls' | 'login' | 'credentials';

export interface Check {
  id: string;
  /** What evidence it reads; [] for checks that judge whatever there is (the run as a whole). */
  needs: readonly Need[];
  run(ctx: CheckContext): Finding[];
}

const PRESENT: Record<Need, (ctx: CheckContext) => boolean> = {
  discovery: (ctx) => ctx.discovery !== null,
  endpoints: (ctx) => ctx.endpoints.length > 0,
  tls: (ctx) => ctx.endpoints.some((e) => e.addresses.some((a) => tlsOf(a) !== undefined)),
  login: (ctx) => ctx.endpoints.some((e) => e.login.state === 'attempted'),
  credentials: (ctx) => ctx.credentials !== null,
};

/** The first need of `check` that this evidence lacks, or undefined when it can run. */
export function missingNeed(ctx: CheckContext, check: Pick<Check, 'needs'>): Need | undefined {
  return check.needs.find((n) => !PRESENT[n](ctx));
}

/** Discovery evidence for a check that declared `needs: ['discovery']` (the runner guarantees it). */
export function discoveryOf(ctx: CheckContext): DiscoveryEvidence {
  if (!ctx.discovery) throw new Error("a check read discovery evidence without declaring needs: ['discovery']");
  return ctx.discovery;
}

export function finding(
  code: FindingCode,
  stage: Finding['stage'],
  params: Params,
  where?: { e?: EndpointEvidence; a?: AddressProbe; severity?: Severity; who?: Actor },
): Finding {
  const e = where?.e;
  return {
    code,
    severity: where?.severity ?? CATALOGUE[code].severity,
    subject: e
      ? {
          host: e.candidate.host,
          port: e.candidate.port,
          security: e.candidate.security,
          ...(where?.a && e.addresses.length > 1 ? { address: where.a.address } : {}),
        }
      : {},
    params,
    stage,
    ...(e ? { endpoint: e.id } : {}),
    ...(where?.who ? { who: where.who } : {}),
  };
}

// The notions checks read come from the one reading of the evidence (model/reading.ts).
import { tlsOf } from '../model/reading.js';
export {
  loginCapabilities,
  notEvidence,
  stageOutcomes,
  starttlsAccepted,
  starttlsInjected,
  tlsOf,
  tlsStageOf,
  tlsVerified,
  verifiedAddress,
} from '../model/reading.js';

export function perAddress(ctx: CheckContext, fn: (e: EndpointEvidence, a: AddressProbe) => Finding[]): Finding[] {
  return ctx.endpoints.flatMap((e) => e.addresses.flatMap((a) => fn(e, a)));
}
