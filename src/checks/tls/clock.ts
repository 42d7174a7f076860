/**
 * Check: is it this computer's clock, not the server, that makes a certificate look invalid?
 * Said only on reliable evidence: server Date headers from two or more organisations that agree
 * (or one from outside the server's organisation plus the certificate fitting that time), or —
 * without any server time — two or more certificates from different authorities that all start
 * in the future. A clock set ahead makes certificates look expired, which neglected servers also
 * do, so "expired" needs server dates. Otherwise the date findings stand on their own.
 */
import type { CertInfo } from '../../model/evidence.js';
import { httpDate } from '../../model/reading.js';
import { registrableDomain } from '../../discovery/domain.js';
import type { Check, CheckContext } from '../types.js';
import { finding, tlsOf } from '../types.js';
import { interceptionOf } from './interception.js';

/** Below this difference a clock is "right" (certificate dates have no finer meaning for users). */
const SKEW_MIN_MS = 5 * 60_000;
/** How far server dates may disagree among themselves and still count as one time. */
const AGREE_MS = 2 * 60_000;
/** Resolution of an HTTP Date header plus the time of the request. */
const SAMPLE_MS = 2_000;

export type ClockEvidence = 'server-dates' | 'server-date-and-certificate' | 'certificates';

export interface ClockSkew {
  /** Server time − local time in ms: positive when this computer's clock is behind. */
  offsetMs: number;
  /** Certificates alone give a lower bound, not the exact difference. */
  atLeast: boolean;
  evidence: ClockEvidence;
  /** Where the server dates came from. */
  sources: string[];
  /** Leaf fingerprints that are valid at the corrected time but not at the local one. */
  explains: Set<string>;
  /** Names of those certificates, for the text. */
  names: string[];
  /** How many different authorities issued them. */
  authorities: number;
}

interface Sample {
  source: string;
  /** Registrable domain of the source, to tell independent servers apart. */
  org: string;
  offsetMs: number;
  uncertaintyMs: number;
}

interface SeenLeaf {
  leaf: CertInfo;
  host: string;
}

function hostOf(source: string): string {
  try {
    return new URL(source).hostname;
  } catch {
    return source;
  }
}

/** Server dates: the network probes' samples, and the Date headers discovery kept (one per host). */
export function clockSamples(ctx: CheckContext): Sample[] {
  const byHost = new Map<string, Sample>();
  const add = (source: string, offsetMs: number, uncertaintyMs: number) => {
    if (!Number.isFinite(offsetMs)) return;
    const host = hostOf(source).toLowerCase();
    const prev = byHost.get(host);
    if (!prev || prev.uncertaintyMs > uncertaintyMs)
      byHost.set(host, { source, org: registrableDomain(host), offsetMs, uncertaintyMs });
  };
  for (const s of ctx.network.clock) add(s.source, Date.parse(s.serverDate) - Date.parse(s.localDate), SAMPLE_MS);
  for (const src of ctx.discovery?.sources ?? []) {
    const d = httpDate(src);
    // Discovery keeps no local time of its own: anywhere within this run, so the run's deadline bounds the error.
    if (typeof d === 'string') add(src.query, Date.parse(d) - ctx.now.getTime(), SAMPLE_MS + ctx.deadlineMs);
  }
  return [...byHost.values()];
}

/** Distinct leaf certificates seen over TLS, interception products' own leaves left out. */
function seenLeaves(ctx: CheckContext): Map<string, SeenLeaf> {
  const out = new Map<string, SeenLeaf>();
  for (const e of ctx.endpoints) {
    for (const a of e.addresses) {
      const t = tlsOf(a);
      const leaf = t?.state === 'ok' ? t.value.chain[0] : undefined;
      if (!t || t.state !== 'ok' || !leaf || interceptionOf(t.value)) continue;
      if (!out.has(leaf.fingerprint256)) out.set(leaf.fingerprint256, { leaf, host: e.candidate.host });
    }
  }
  return out;
}

const validAt = (c: CertInfo, t: number, margin = 0): boolean =>
  Date.parse(c.validFrom) <= t - margin && t + margin <= Date.parse(c.validTo);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const nameOf = (l: SeenLeaf): string => l.leaf.commonName ?? l.leaf.subject;

/** The judgement, or undefined when the clock cannot be blamed reliably. Pure. */
export function judgeClock(ctx: CheckContext): ClockSkew | undefined {
  const now = ctx.now.getTime();
  const leaves = [...seenLeaves(ctx).values()];
  const failing = leaves.filter((l) => !validAt(l.leaf, now));
  if (failing.length === 0) return undefined;
  const samples = clockSamples(ctx);
  const result = (offsetMs: number, atLeast: boolean, evidence: ClockEvidence, explained: SeenLeaf[]): ClockSkew => ({
    offsetMs,
    atLeast,
    evidence,
    sources: samples.map((s) => s.source),
    explains: new Set(explained.map((l) => l.leaf.fingerprint256)),
    names: [...new Set(explained.map(nameOf))],
    authorities: new Set(explained.map((l) => l.leaf.issuer)).size,
  });

  if (samples.length > 0) {
    const offset = median(samples.map((s) => s.offsetMs));
    const slack = Math.max(...samples.map((s) => s.uncertaintyMs));
    // Servers that disagree among themselves prove nothing; servers that agree with us prove the clock right.
    if (samples.some((s) => Math.abs(s.offsetMs - offset) > AGREE_MS + slack)) return undefined;
    if (Math.abs(offset) <= SKEW_MIN_MS + slack) return undefined;
    const explained = failing.filter((l) => validAt(l.leaf, now + offset, slack));
    if (explained.length === 0) return undefined;
    const orgs = new Set(samples.map((s) => s.org));
    if (orgs.size >= 2) return result(offset, false, 'server-dates', explained);
    // One organisation's clock: independent of the certificate only when it is not the certificate's own organisation.
    const [org] = orgs;
    if (explained.every((l) => registrableDomain(l.host) !== org))
      return result(offset, false, 'server-date-and-certificate', explained);
    return undefined;
  }

  // No server time: certificates from different authorities that all start in the future.
  if (leaves.length < 2 || !leaves.every((l) => Date.parse(l.leaf.validFrom) > now)) return undefined;
  if (new Set(leaves.map((l) => l.leaf.issuer)).size < 2) return undefined;
  const start = Math.max(...leaves.map((l) => Date.parse(l.leaf.validFrom)));
  const end = Math.min(...leaves.map((l) => Date.parse(l.leaf.validTo)));
  if (start > end) return undefined;
  return result(start - now, true, 'certificates', leaves);
}

export const clockCheck: Check = {
  id: 'tls/clock',
  needs: ['tls'],
  run: (ctx) => {
    const skew = judgeClock(ctx);
    if (!skew) return [];
    const now = ctx.now.getTime();
    return [
      finding('TLS_CLOCK_SKEW', 'tls', {
        offsetSeconds: Math.round(skew.offsetMs / 1000),
        direction: skew.offsetMs > 0 ? 'behind' : 'ahead',
        atLeast: skew.atLeast,
        evidence: skew.evidence,
        sources: skew.sources,
        localTime: ctx.now.toISOString(),
        correctedTime: new Date(now + skew.offsetMs).toISOString(),
        certificates: skew.names,
        count: skew.explains.size,
        authorities: skew.authorities,
      }),
    ];
  },
};
