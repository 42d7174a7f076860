/**
 * RFC 6186 SRV discovery (updated by RFC 8314 §5.1): _imaps/_imap/_submissions/_submission, one
 * SourceResult each, records in RFC 2782 order (heaviest first instead of the random draw, so reports
 * are reproducible); a lone "." target means "not offered". Each IMAP target's A/AAAA is asked too:
 * RFC 2782 forbids an alias (CNAME) target, and a target without any address is broken.
 */
import type { DnsResult } from '../dns/resolver.js';
import { LIMITS } from '../limits.js';
import type { ServerSetting, SourceResultOf, SrvAlias, SrvFacts, SrvSourceId } from '../model/discovery.js';
import type { Security, SrvRecord } from '../model/evidence.js';
import { insideDomain } from './domain.js';
import { normaliseHost } from './settings-values.js';
import { dnsSourceStatus, type SourceContext } from './source-kit.js';
import { byCodeUnits } from '../util/compare.js';

import { srvName, type SrvService } from './first-questions.js';

export { srvName, type SrvService };

const SERVICE: Record<
  Exclude<SrvService, 'autodiscover'>,
  { source: SrvSourceId; protocol: 'imap' | 'smtp'; security: Security }
> = {
  imaps: { source: 'srv-imaps', protocol: 'imap', security: 'tls' },
  imap: { source: 'srv-imap', protocol: 'imap', security: 'starttls' },
  submissions: { source: 'srv-submissions', protocol: 'smtp', security: 'tls' },
  submission: { source: 'srv-submission', protocol: 'smtp', security: 'starttls' },
};

/** RFC 2782 order, deterministic: priority ascending, weight descending, then target name. */
export function orderSrv(records: readonly SrvRecord[]): SrvRecord[] {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight || byCodeUnits(a.target, b.target));
}

export function formatSrv(r: SrvRecord): string {
  return `${r.priority} ${r.weight} ${r.port} ${r.target === '' ? '.' : r.target}`;
}

export interface SrvLookup {
  name: string;
  answer: DnsResult<SrvRecord>;
  /** Usable records (no "." target, no port 0, a valid host name), in RFC 2782 order. */
  records: SrvRecord[];
  /** Targets that are not host names at all (a DNS label may hold any byte): never dialled. */
  badTargets: string[];
  /** Every record was the "." target: the service is declared not available. */
  disabled: boolean;
  ms: number;
}

/** Ask one SRV name; never throws. */
export async function lookupSrv(ctx: SourceContext, service: SrvService): Promise<SrvLookup> {
  const t0 = performance.now();
  const name = srvName(service, ctx.domain);
  const answer = await ctx.resolver.query<SrvRecord>(name, 'SRV', ctx.step());
  const all = answer.status === 'records' ? answer.records : [];
  const named = all.filter((r) => r.target !== '' && r.port > 0);
  const badTargets = named.filter((r) => normaliseHost(r.target) === undefined).map((r) => r.target);
  const records = orderSrv(named.filter((r) => normaliseHost(r.target) !== undefined));
  const disabled = all.length > 0 && named.length === 0;
  return { name, answer, records, badTargets, disabled, ms: Math.round(performance.now() - t0) };
}

/** What the A/AAAA answers of one target say: an alias chain, and whether it has any address at all. */
async function checkTarget(ctx: SourceContext, target: string): Promise<{ alias?: SrvAlias; noAddress: boolean }> {
  const signal = ctx.step();
  const [a, aaaa] = await Promise.all([
    ctx.resolver.query<string>(target, 'A', signal),
    ctx.resolver.query<string>(target, 'AAAA', signal),
  ]);
  const chain = a.cnames ?? aaaa.cnames;
  const definite = (s: string) => s === 'nodata' || s === 'nxdomain';
  return {
    ...(chain && chain.length > 0 ? { alias: { target, chain } } : {}),
    noAddress: definite(a.status) && definite(aaaa.status),
  };
}

/** One RFC 6186 service as a SourceResult. */
export async function srvSource(
  ctx: SourceContext,
  service: Exclude<SrvService, 'autodiscover'>,
): Promise<SourceResultOf<SrvSourceId>> {
  const t0 = performance.now();
  const spec = SERVICE[service];
  const l = await lookupSrv(ctx, service);
  const servers: ServerSetting[] = l.records.map((r) => ({
    protocol: spec.protocol,
    type: spec.protocol,
    host: r.target,
    port: r.port,
    security: spec.security,
    priority: r.priority,
  }));
  const facts: SrvFacts = {
    dnsName: l.name,
    dnsStatus: l.answer.status,
    dnsServer: l.answer.server,
  };
  if (l.answer.records.length > 0) facts.records = l.answer.records.map(formatSrv);
  if (l.answer.message) facts.dnsMessage = l.answer.message;
  if (l.answer.why) facts.dnsWhy = l.answer.why;
  if (l.badTargets.length > 0) {
    facts.reason = 'srv-target-not-host';
    facts.badTargets = l.badTargets;
  }
  if (l.answer.status === 'records' && spec.protocol === 'imap' && l.records.length > 0) {
    const targets = [...new Set(l.records.map((r) => r.target))].slice(0, LIMITS.srvTargetChecks);
    const checks = await Promise.all(targets.map(async (t) => ({ t, ...(await checkTarget(ctx, t)) })));
    const cnames = checks.flatMap((c) => (c.alias ? [c.alias] : []));
    const none = checks.filter((c) => c.noAddress).map((c) => c.t);
    if (cnames.length > 0) facts.targetCnames = cnames;
    if (none.length > 0) facts.targetsWithoutAddress = none;
  }
  const outside = servers.some((s) => !insideDomain(s.host, ctx.domain));
  const trust = l.answer.ad
    ? { trust: 'trusted' as const, trustReason: 'dnssec' as const }
    : outside
      ? { trust: 'unverified' as const, trustReason: 'srv-outside-domain' as const }
      : { trust: 'trusted' as const, trustReason: 'inside-domain' as const };
  return {
    source: spec.source,
    query: `${l.name} SRV`,
    status: l.disabled
      ? 'service-disabled'
      : l.records.length === 0 && l.badTargets.length > 0
        ? 'invalid'
        : dnsSourceStatus(l.answer.status),
    ms: Math.round(performance.now() - t0),
    ...(l.records.length === 0 && l.badTargets.length > 0
      ? { invalid: { reason: 'bad-hostname' as const, detail: l.badTargets.join(', ') } }
      : {}),
    servers,
    ...trust,
    authenticated: l.answer.ad,
    facts,
  };
}
