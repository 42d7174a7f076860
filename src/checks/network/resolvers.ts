/**
 * Check: the system's resolver (getaddrinfo: /etc/hosts, nsswitch, a VPN's or the LAN's DNS) and the
 * doctor's own DNS client answered differently for an endpoint's host (src/dns/race.ts asks both and
 * keeps the disagreement as evidence). Mail apps use the system's answer, so a hosts-file entry, a VPN
 * or split DNS can send them to another server than the rest of the world sees. Information, or a
 * warning when no endpoint on that host worked. Once per host and family.
 */
import type { EndpointEvidence, Family, ResolverDisagreement } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import { dnsAnswered, working } from '../../model/reading.js';
import { ipVersion } from '../../address.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';

/** The answer as words-free data: its addresses, or its status when it has none. */
const said = (status: string, records: readonly string[]): string[] =>
  status === 'records' ? [...records].sort() : [status];

/** Disagreements where the other side answered too: a resolver that failed (timeout, unreachable) disagrees about nothing. */
function disagreementsOf(e: EndpointEvidence): Array<ResolverDisagreement & { family: Family }> {
  return 'disagreements' in e.resolve ? (e.resolve.disagreements ?? []).filter((d) => dnsAnswered(d.status)) : [];
}

/** What the kept answer said for one family: the addresses found (probed or not), or its status. */
function keptAnswer(e: EndpointEvidence, family: Family): string[] {
  const r = e.resolve;
  if ('crashed' in r) return [];
  const found = [
    ...r.addresses.filter((a) => a.family === family).map((a) => a.address),
    ...(r.notProbed ?? []),
    ...(r.refused ?? []),
  ];
  const mine = found.filter((a) => ipVersion(a) === family);
  return mine.length > 0 ? said('records', mine) : [family === 4 ? r.a : r.aaaa];
}

export const resolversCheck: Check = {
  id: 'network/resolvers',
  needs: ['endpoints'],
  run: (ctx) => {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const e of ctx.endpoints) {
      for (const d of disagreementsOf(e)) {
        const key = `${e.candidate.host.toLowerCase()} ${d.family}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const hostWorks = ctx.endpoints.some(
          (x) => x.candidate.host.toLowerCase() === e.candidate.host.toLowerCase() && working(x, false),
        );
        const params = {
          host: e.candidate.host,
          family: d.family,
          keptBy: d.server === 'system' ? 'dns' : 'system',
          ...(d.server === 'system' && 'via' in e.resolve ? { keptServer: e.resolve.via } : {}),
          kept: keptAnswer(e, d.family),
          otherServer: d.server,
          other: said(d.status, d.records),
        };
        out.push(finding('RESOLVERS_DISAGREE', 'resolve', params, hostWorks ? undefined : { severity: 'warning' }));
      }
    }
    return out;
  },
};
