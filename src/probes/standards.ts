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
  /** `--oauth-discover`: one empty-token OAUTHBEARER, before the logins, on the best endpoint allowed. */
  oauthProbe(endpoints: EndpointEvidence[], ctx: OAuthProbeContext): Promise<void>;
  /** DANE attached to the endpoints; issuer metadata fetched into the discovery evidence. */
  finish(endpoints: EndpointEvidence[], discovery: DiscoveryEvidence | null): Promise<void>;
}

export function startStandards(deps: StandardsDeps | undefined, probed: readonly Candidate[], opts: Pick<RunOptions, 'timeoutMs' | 'oauthDiscover' | 'credentials' | 'pinned'>, run: AbortSignal): StandardsRun {
  // A host pinned with --resolve is tested before (or beside) DNS: its TLSA records describe another server.
  const targets = probed.filter((c) => !opts.pinned[c.host.toLowerCase()]).map((c) => ({ host: c.host, port: c.port }));
  const dane: Promise<Map<string, DaneEvidence>> = deps?.dnssec && targets.length > 0 ? gatherDane(deps.dnssec, targets, run, opts.timeoutMs) : Promise.resolve(new Map());
  const tokenGiven = opts.credentials?.oauthToken !== undefined;
  return {
    oauthProbe: async (endpoints, ctx) => {
      if (!opts.oauthDiscover || tokenGiven) return;
      const target = pickOAuthProbeEndpoint(endpoints);
      if (!target) return;
      target.e.oauthProbe = await sendEmptyOAuthBearer(target.e, target.address, ctx, deps?.fetch);
      target.e.login = { state: 'withheld', reason: 'oauth-discover' };
    },
    finish: async (endpoints, discovery) => {
      const issuers = discovery && deps?.fetch && !tokenGiven && endpoints.some(offersOAuth) ? publishedIssuers(discovery) : [];
      const [byHost, fetched] = await Promise.all([
        dane,
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
