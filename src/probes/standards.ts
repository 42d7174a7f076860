/**
 * The run's extra evidence from the newest standards, gathered beside the IMAP probes: DANE (TLSA
 * for every probed endpoint not pinned with --resolve, started with the probes), the `--oauth-discover` empty-token probe
 * (before the logins, on one endpoint, as its one attempt), and the metadata of OAuth issuers that
 * trusted sources named (when a server offers OAuth and no token was given). Attaches evidence
 * only; never throws for network outcomes.
 */
import type { DnssecNetwork } from '../dns/dnssec.js';
import type { Fetcher } from '../discovery/http.js';
import { fetchIssuerMetadata, publishedIssuers } from '../discovery/oauth-metadata.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import type { Candidate, EndpointEvidence } from '../model/evidence.js';
import type { DaneEvidence } from '../model/standards.js';
import type { RunOptions } from '../options.js';
import { gatherDane } from './dane.js';
import { offersOAuth, pickOAuthProbeEndpoint, sendEmptyOAuthBearer, type OAuthProbeContext } from './oauth-probe.js';

export interface StandardsDeps {
  /** DO/CD questions through the run's resolver path (absent: no DANE evidence). */
  dnssec?: DnssecNetwork;
  /** HTTPS without credentials for issuer metadata (absent: no OAuth metadata). */
  fetch?: Fetcher;
}

export interface StandardsRun {
  /** Candidates about to be probed (as they become known): their DANE lookups start now. */
  add(candidates: readonly Candidate[]): void;
  /** `--oauth-discover`: one empty-token OAUTHBEARER, before the logins, on the best endpoint allowed. */
  oauthProbe(endpoints: EndpointEvidence[], ctx: OAuthProbeContext): Promise<void>;
  /** DANE attached to the endpoints; issuer metadata fetched into the discovery evidence. */
  finish(endpoints: EndpointEvidence[], discovery: DiscoveryEvidence | null): Promise<void>;
}

/** DANE of each candidate added, once per (host, port), the address facts once per host. */
function daneLookups(
  net: DnssecNetwork | undefined,
  opts: Pick<RunOptions, 'timeoutMs' | 'pinned'>,
  run: AbortSignal,
): { add(c: readonly Candidate[]): void; all(): Promise<Map<string, DaneEvidence>> } {
  const asked = new Set<string>();
  const addresses: NonNullable<Parameters<typeof gatherDane>[4]> = new Map();
  const parts: Array<Promise<Map<string, DaneEvidence>>> = [];
  return {
    add: (candidates) => {
      // A host pinned with --resolve is tested before (or beside) DNS: its TLSA records describe another server.
      const targets = candidates
        .filter((c) => !opts.pinned[c.host.toLowerCase()] && !asked.has(`${c.host.toLowerCase()}:${c.port}`))
        .map((c) => ({ host: c.host, port: c.port }));
      for (const t of targets) asked.add(`${t.host.toLowerCase()}:${t.port}`);
      if (net && targets.length > 0) parts.push(gatherDane(net, targets, run, opts.timeoutMs, addresses));
    },
    all: async () => new Map((await Promise.all(parts)).flatMap((m) => [...m])),
  };
}

export function startStandards(
  deps: StandardsDeps | undefined,
  opts: Pick<RunOptions, 'timeoutMs' | 'oauthDiscover' | 'credentials' | 'pinned'>,
  run: AbortSignal,
): StandardsRun {
  const dane = daneLookups(deps?.dnssec, opts, run);
  const tokenGiven = opts.credentials?.oauthToken !== undefined;
  return {
    add: dane.add,
    oauthProbe: async (endpoints, ctx) => {
      if (!opts.oauthDiscover || tokenGiven) return;
      const target = pickOAuthProbeEndpoint(endpoints);
      if (!target) return;
      target.e.oauthProbe = await sendEmptyOAuthBearer(target.e, target.address, ctx, deps?.fetch);
      target.e.login = { state: 'withheld', reason: 'oauth-discover' };
    },
    finish: async (endpoints, discovery) => {
      const issuers =
        discovery && deps?.fetch && !tokenGiven && endpoints.some(offersOAuth) ? publishedIssuers(discovery) : [];
      const [byHost, fetched] = await Promise.all([
        dane.all(),
        Promise.all(issuers.map((i) => fetchIssuerMetadata(deps?.fetch as Fetcher, i, run, opts.timeoutMs))),
      ]);
      for (const e of endpoints) {
        const d = byHost.get(`${e.candidate.host.toLowerCase()}:${e.candidate.port}`);
        if (d) e.dane = d;
      }
      if (discovery && fetched.length > 0) discovery.oauthIssuers = fetched;
    },
  };
}
