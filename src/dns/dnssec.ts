/**
 * DNSSEC-aware questions (RFC 4035, RFC 6840): the run's resolver path asked with the DO bit, its AD
 * bit believed only where the path cannot be forged (adTrustworthy, the same rule as for SRV), and
 * the same question again with CD after a SERVFAIL — an answer then means the signatures are broken
 * (bogus), not that the name server is down. Never throws; every outcome is a classified answer.
 */
import type { DnsStatus } from '../model/evidence.js';
import { createPacketResolver } from './packet-resolver.js';
import { adTrustworthy, withoutAd, type DnsResult, type RecordType, type Resolver } from './resolver.js';

/** Where and how long to ask: the run's servers, whether the user named them, one try's time. */
export interface ResolverPlan {
  servers: string[];
  userNamed: boolean;
  tryMs: number;
  retries: number;
}

export interface DnssecNetwork {
  /** Asks with DO; AD cleared unless `adTrusted`. */
  secure: Resolver;
  /** Asks with DO, never from a cache: for a question `secure` answered from an additional section. */
  direct: Resolver;
  /** Asks with DO and CD: a validating resolver answers even what fails validation. */
  unchecked: Resolver;
  adTrusted: boolean;
}

/**
 * `run`: the run's own (cached) resolver, which asks with DO and applies the same AD rule — DANE's
 * questions are then the run's questions, asked once (dns/query.ts RUN_DNSSEC). Without it, a resolver of its own.
 */
export function dnssecNetwork(plan: ResolverPlan, run?: Resolver): DnssecNetwork {
  const base = { servers: plan.servers, timeoutMs: plan.tryMs, retries: plan.retries, dnssecOk: true };
  const adTrusted = adTrustworthy(plan.servers, plan.userNamed);
  const own = createPacketResolver(base);
  const direct = adTrusted ? own : withoutAd(own);
  return {
    secure: run ?? direct,
    direct,
    unchecked: createPacketResolver({ ...base, checkingDisabled: true }),
    adTrusted,
  };
}

/** An answer plus, after SERVFAIL, what the same question gave with checking disabled. */
export type CheckedAnswer<T> = DnsResult<T> & { checkingDisabled?: { status: DnsStatus; records: number } };

/** Ask with DO; on SERVFAIL ask again with CD to tell bogus DNSSEC from a failing server. */
export async function askChecked<T>(
  net: DnssecNetwork,
  name: string,
  type: RecordType,
  signal: AbortSignal,
): Promise<CheckedAnswer<T>> {
  const cached = await net.secure.query<T>(name, type, signal);
  const answer: CheckedAnswer<T> = cached.fromAdditional ? await net.direct.query<T>(name, type, signal) : cached;
  if (answer.status !== 'servfail') return answer;
  const cd = await net.unchecked.query<T>(name, type, signal);
  answer.checkingDisabled = { status: cd.status, records: cd.records.length };
  return answer;
}

/** SERVFAIL that went away with CD: the data exists but its signatures do not validate. */
export function isBogus(a: { status: DnsStatus; checkingDisabled?: { status: DnsStatus } }): boolean {
  const cd = a.checkingDisabled?.status;
  return a.status === 'servfail' && (cd === 'records' || cd === 'nodata' || cd === 'nxdomain');
}
