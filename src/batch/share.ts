/**
 * What the addresses of a batch share: one DNS cache (host lookups and resolver queries, lookups in
 * flight merged), one discovery per domain and one pre-login probe per endpoint (host, port, security),
 * in flight or done. Shared work runs under its own clock (the per-address deadline from when it
 * started, and Ctrl-C), never under one address's: an address whose own deadline passes while it
 * waits gets what its own run would have got (the same work under its aborted signal) and the shared
 * work goes on for the others. Each address gets its own copy of the results; logins are never shared.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { parseAddress, type EmailAddress } from '../address.js';
import type { Discover } from '../discovery/index.js';
import { joined, Shared, sharedDns } from '../dns/cache.js';
import type { Resolver } from '../dns/resolver.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import type { Candidate, EndpointEvidence } from '../model/evidence.js';
import { probeEndpoint } from '../probes/endpoint.js';
import type { HostLookup } from '../probes/resolve.js';
import { startRunClock, stepSignal, type RunClock } from '../util/deadline.js';
import { mapStrings } from '../util/plain.js';

/** How much work ran and how much was shared, for the summary and the bench. */
export interface ShareStats {
  discoveries: number;
  probes: number;
  lookups: number;
  queries: number;
  /** Calls answered from the shared results (in flight or done). */
  reused: number;
}

/** Every string of plain data with `from` replaced by `to` (longest first); returns a copy. */
function replaceDeep<T>(value: T, pairs: ReadonlyArray<readonly [string, string]>): T {
  return mapStrings(value, (v) => pairs.reduce((s, [from, to]) => s.split(from).join(to), v));
}

type Discovered = { evidence: DiscoveryEvidence; candidates: Candidate[] };

export interface BatchShare {
  lookup(inner: HostLookup): HostLookup;
  resolver(inner: Resolver): Resolver;
  discover(inner: Discover): Discover;
  probe(inner?: typeof probeEndpoint): typeof probeEndpoint;
  /** Ctrl-C: abort all shared work now. */
  interrupt(): void;
  stats(): ShareStats;
}

export function createBatchShare(o: { deadlineMs: number; timeoutMs: number; maxEntries: number }): BatchShare {
  const stop = new AbortController();
  // Every shared lookup's step listens on it: many at once are expected, not a leak.
  setMaxListeners(0, stop.signal);
  const clocks = new Set<RunClock>();
  const stats: ShareStats = { discoveries: 0, probes: 0, lookups: 0, queries: 0, reused: 0 };
  /** A clock for one piece of shared work: the per-address deadline from now, and Ctrl-C. */
  const clocked = async <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const clock = startRunClock(o.deadlineMs);
    clocks.add(clock);
    if (stop.signal.aborted) clock.interrupt();
    try {
      return await work(clock.signal);
    } finally {
      clock.dispose();
      clocks.delete(clock);
    }
  };
  const use = <T>(r: { p: Promise<T>; fresh: boolean }, counter: keyof ShareStats): Promise<T> => {
    stats[r.fresh ? counter : 'reused']++;
    return r.p;
  };
  const discoveries = new Shared<Discovered>(o.maxEntries);
  const probes = new Shared<EndpointEvidence>(o.maxEntries);
  // Shared discovery asks for a stand-in mailbox at the domain, then puts each address in its place.
  const standIn = `imap-doctor-batch-${randomBytes(6).toString('hex')}`;
  return {
    ...sharedDns(() => stepSignal(stop.signal, o.timeoutMs), o.maxEntries * 4, use),
    discover: (inner) => (address: EmailAddress, opts, signal) => {
      if (opts.sendAddress) return inner(address, opts, signal);
      const stand: EmailAddress = parseAddress(`${standIn}@${address.domain}`);
      const r = discoveries.get(address.domain, () => clocked((s) => inner(stand, opts, s)));
      const mine: Array<readonly [string, string]> = [
        [stand.address, address.address],
        [standIn, address.localPart],
      ];
      return joined(use(r, 'discoveries'), signal, () => inner(stand, opts, signal)).then((d) => replaceDeep(d, mine));
    },
    probe:
      (inner = probeEndpoint) =>
      (c, rank, ctx) => {
        const exempt = c.provenance === 'user' || c.userTrusted || ctx.policy.exempt.has(c.host.toLowerCase());
        const r = probes.get(`${c.host.toLowerCase()}|${c.port}|${c.security}|${exempt}`, () =>
          clocked((run) => inner(c, rank, { ...ctx, run })),
        );
        return joined(use(r, 'probes'), ctx.run, () => inner(c, rank, ctx)).then((e) => ({
          ...structuredClone(e),
          rank,
          candidate: c,
        }));
      },
    interrupt: () => {
      stop.abort();
      for (const c of clocks) c.interrupt();
    },
    stats: () => ({ ...stats }),
  };
}
