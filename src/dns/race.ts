/**
 * Each A/AAAA lookup asked of getaddrinfo (what mail apps use: /etc/hosts, nsswitch) and of the
 * doctor's own DNS client at once. glibc asks again only after resolv.conf's `timeout:` (5 s by
 * default), so one lost UDP answer used to set the time of the whole run; the doctor's client asks
 * again within one retransmit interval (≤ 1 s, `resolverPlan`). getaddrinfo's answer is kept when it
 * comes at most a grace after the other one (as long again as that one took, at least DEFAULTS.dnsRaceGraceMs);
 * otherwise the own client's addresses (a negative answer of the own client always waits for
 * getaddrinfo, which also reads /etc/hosts). When both answered and they differ, the kept answer carries the other
 * as `disagreement` (typed evidence; NODATA and NXDOMAIN count as the same, getaddrinfo cannot tell).
 */
import type { DnsAnswer } from '../model/evidence.js';
import { dnsAnswered } from '../model/reading.js';
import type { HostLookup } from '../probes/resolve.js';
import { DEFAULTS } from '../options.js';

/** What an answer says about the name: its addresses, or that it has none, or that it could not tell. */
function meaning(a: DnsAnswer<string>): string {
  if (a.status === 'records') return [...a.records].sort().join(' ');
  return dnsAnswered(a.status) ? 'no-address' : `failed:${a.status}`;
}

/** `kept`, with `other` as its disagreement when both answered the question and say different things. */
function compared(kept: DnsAnswer<string>, other: DnsAnswer<string> | undefined): DnsAnswer<string> {
  if (!other || !(dnsAnswered(kept.status) || dnsAnswered(other.status)) || meaning(kept) === meaning(other))
    return kept;
  return { ...kept, disagreement: { server: other.server, status: other.status, records: other.records } };
}

export function raceLookup(system: HostLookup, own: HostLookup): HostLookup {
  return (name, family, signal) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      let sys: DnsAnswer<string> | undefined;
      let pkt: DnsAnswer<string> | undefined;
      let grace: NodeJS.Timeout | undefined;
      let settled = false;
      const done = (a: DnsAnswer<string>) => {
        if (settled) return;
        settled = true;
        clearTimeout(grace);
        resolve(a);
      };
      const decide = () => {
        if (sys && pkt)
          return done(dnsAnswered(sys.status) || !dnsAnswered(pkt.status) ? compared(sys, pkt) : compared(pkt, sys));
        const first = sys ?? pkt;
        // Only addresses from the own client are used without getaddrinfo: its "no such name" could be an /etc/hosts name.
        const early = first !== undefined && (first === sys ? dnsAnswered(first.status) : first.status === 'records');
        if (!first || !early || grace) return;
        grace = setTimeout(() => done(first), Math.max(DEFAULTS.dnsRaceGraceMs, performance.now() - t0));
        grace.unref();
      };
      // Neither rejects (a HostLookup classifies every outcome); a bug in one must not hang the other's answer.
      const failed = (err: unknown): DnsAnswer<string> => ({
        name,
        type: family === 4 ? 'A' : 'AAAA',
        status: 'error',
        records: [],
        ad: false,
        server: '',
        ms: 0,
        via: 'udp',
        message: String(err),
      });
      system(name, family, signal)
        .catch(failed)
        .then((a) => ((sys = a), decide()));
      own(name, family, signal)
        .catch(failed)
        .then((a) => ((pkt = a), decide()));
    });
}
