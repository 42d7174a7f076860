/**
 * Checks on RFC 6186 SRV publication: found, not published (only when the lookups were answered),
 * declared unavailable with ".", targets outside the domain (RFC 6186 §6: no password without
 * DNSSEC or --trust-host), and targets that do not work (an alias, no address, or no IMAP on the
 * port — RFC 2782 requires a target with its own address records).
 */
import { imapServers } from '../../discovery/candidates.js';
import { insideDomain } from '../../discovery/domain.js';
import type { SourceResultOf, SrvSourceId } from '../../model/discovery.js';
import { endpointId, type EndpointEvidence } from '../../model/evidence.js';
import type { Params } from '../../catalogue/index.js';
import type { Finding } from '../../model/finding.js';
import type { Check, CheckContext } from '../types.js';
import { finding } from '../types.js';
import { bestWorking, cutShort, endpointOf, reachesImap, sources } from './helpers.js';
import { errorParams } from '../../model/reading.js';

const SERVICE = { 'srv-imaps': '_imaps', 'srv-imap': '_imap' } as const;

type SrvResult = SourceResultOf<SrvSourceId>;

function recordName(s: SrvResult): string {
  return s.facts?.dnsName ?? s.query.replace(/ SRV$/, '');
}

/** Why an endpoint that came from SRV does not work at the connection level, or undefined when it reaches IMAP. */
type Problem = Params & { reason: 'no-address' | 'port-fails' | 'cname'; greeting?: string };

/**
 * Why an endpoint that came from SRV does not work at the connection level, or undefined when it
 * reaches IMAP: the failed step's error, or the greeting that was not IMAP (neither: no IMAP session).
 */
function connectionProblem(e: EndpointEvidence): Problem | undefined {
  if (e.resolve.error) {
    const code = e.resolve.error.code;
    return code === 'NXDOMAIN' || code === 'NODATA'
      ? { reason: 'no-address', ...errorParams('detail', e.resolve.error) }
      : undefined;
  }
  if (e.addresses.length === 0 || reachesImap(e)) return undefined;
  const first = e.addresses[0];
  const failed = first && [first.tcp, first.tls, first.greeting, first.starttls].find((o) => o?.state === 'failed');
  if (failed && failed.state === 'failed') return { reason: 'port-fails', ...errorParams('detail', failed.error) };
  return { reason: 'port-fails', ...(first?.greeting.state === 'ok' ? { greeting: first.greeting.value.line } : {}) };
}

function brokenTargets(ctx: CheckContext, s: SrvResult): Finding[] {
  const record = recordName(s);
  const cnames = s.facts?.targetCnames ?? [];
  const noAddress = s.facts?.targetsWithoutAddress ?? [];
  const working = bestWorking(ctx);
  return imapServers(s).flatMap((x) => {
    const e = endpointOf(ctx, x.host, x.port, x.security);
    const alias = cnames.find((c) => c.target === x.host);
    let problem: Problem | undefined;
    if (noAddress.includes(x.host)) problem = { reason: 'no-address' };
    else if (e && !cutShort(e)) problem = connectionProblem(e);
    if (!problem && alias) problem = { reason: 'cname', detail: [alias.target, ...alias.chain].join(' → ') };
    if (!problem) return [];
    const other: Params = working && working.id !== endpointId(x) ? { working: working.id } : {};
    return [
      finding(
        'SRV_TARGET_BROKEN',
        'discovery',
        { domain: ctx.address.domain, record, target: x.host, port: x.port, ...problem, ...other },
        e ? { e } : undefined,
      ),
    ];
  });
}

/** SRV_SERVICE_DISABLED for the "." records: a warning when another source publishes the disabled service, a note otherwise. */
function serviceDisabled(ctx: CheckContext, disabled: SrvResult[], domain: string): Finding {
  const both = disabled.length === 2;
  // "." on _imap while only implicit TLS is offered is what RFC 8314 §5.1 recommends; a contradiction is
  // a "." on a service some other source publishes (tls for _imaps, starttls for _imap).
  const offMode = new Set<string>(disabled.map((s) => (s.source === 'srv-imaps' ? 'tls' : 'starttls')));
  const published = [
    ...new Set(
      (ctx.discovery?.sources ?? [])
        .filter((s) => !s.source.startsWith('srv-'))
        .flatMap((s) =>
          imapServers(s)
            .filter((x) => offMode.has(x.security))
            .map(endpointId),
        ),
    ),
  ];
  return finding(
    'SRV_SERVICE_DISABLED',
    'discovery',
    {
      domain,
      records: disabled.map(recordName),
      services: disabled.map((s) => SERVICE[s.source as keyof typeof SERVICE]),
      both,
      published,
    },
    { severity: published.length > 0 ? 'warning' : 'info' },
  );
}

export const srvCheck: Check = {
  id: 'discovery/srv',
  needs: ['discovery'],
  run: (ctx) => {
    const all = sources(ctx, 'srv-imaps', 'srv-imap');
    if (all.length === 0) return [];
    const domain = ctx.address.domain;
    const out: Finding[] = [];
    const found = all.filter((s) => s.status === 'found');
    if (found.length > 0) {
      out.push(
        finding('SRV_FOUND', 'discovery', {
          domain,
          records: found.flatMap((s) => (s.facts?.records ?? []).map((r) => `${recordName(s)} SRV ${r}`)),
        }),
      );
    }
    if (all.every((s) => s.status === 'not-found')) out.push(finding('SRV_NOT_PUBLISHED', 'discovery', { domain }));
    const disabled = all.filter((s) => s.status === 'service-disabled');
    if (disabled.length > 0) out.push(serviceDisabled(ctx, disabled, domain));
    for (const s of found) {
      for (const x of imapServers(s)) {
        if (s.authenticated || insideDomain(x.host, domain)) continue;
        const e = endpointOf(ctx, x.host, x.port, x.security);
        const userTrusted = e?.candidate.userTrusted ?? false;
        const trustedElsewhere = e?.candidate.trust === 'trusted';
        out.push(
          finding(
            'SRV_TARGET_OUTSIDE_DOMAIN',
            'discovery',
            { record: recordName(s), target: x.host, domain, trustedElsewhere, userTrusted },
            { severity: userTrusted || trustedElsewhere ? 'info' : 'warning' },
          ),
        );
      }
      out.push(...brokenTargets(ctx, s));
    }
    return out;
  },
};
