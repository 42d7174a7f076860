/**
 * The MX source: who receives the domain's mail. The first MX host (lowest preference) names a
 * provider domain (its registrable domain, as Thunderbird and K-9 take it) whose ISPDB entry is
 * then looked up, and the MX hosts identify well-known providers and their brand or region
 * (knowledge/providers.ts), whose own IMAP server becomes an MX-derived candidate. MX answers inbound SMTP, not IMAP: everything
 * found here is an inference, ranked after what the domain publishes itself.
 */
import { isLoopback } from '../util/ip.js';
import type { MxRecord } from '../model/evidence.js';
import type { MxFacts, ProviderInfo, ServerSetting, SourceResultOf } from '../model/discovery.js';
import { displayName, identifyProvider, type ProviderMatch } from '../knowledge/providers.js';
import { registrableDomain } from './domain.js';
import { dnsSourceStatus, type SourceContext } from './source-kit.js';
import { byCodeUnits } from '../util/compare.js';

export interface MxOutcome {
  result: SourceResultOf<'mx'>;
  /** MX hosts in preference order. */
  hosts: string[];
  /** The provider domain to ask the ISPDB about, when it differs from the address's own. */
  providerDomain?: string;
  provider?: ProviderInfo;
}

export async function mxSource(ctx: SourceContext): Promise<MxOutcome> {
  const t0 = performance.now();
  const answer = await ctx.resolver.query<MxRecord>(ctx.domain, 'MX', ctx.step());
  const hosts = [...answer.records]
    .sort((a, b) => a.preference - b.preference || byCodeUnits(a.exchange, b.exchange))
    .map((m) => m.exchange)
    .filter((h) => h !== '');
  const facts: MxFacts = { dnsName: ctx.domain, dnsStatus: answer.status, dnsServer: answer.server };
  if (answer.message) facts.dnsMessage = answer.message;
  if (answer.why) facts.dnsWhy = answer.why;
  // RFC 7505: a single "." MX says the domain accepts no mail at all.
  if (answer.status === 'records' && hosts.length === 0) facts.nullMx = true;
  if (hosts.length > 0) facts.mxHosts = hosts;

  const match = identifyProvider({ mxHosts: hosts, domain: ctx.domain });
  const { servers, provider } = match ? providerServers(match, facts) : { servers: [], provider: undefined };
  const first = hosts[0];
  const providerDomain = first ? registrableDomain(first) : undefined;
  if (providerDomain) facts.providerDomain = providerDomain;
  const result: SourceResultOf<'mx'> = {
    source: 'mx',
    query: `${ctx.domain} MX`,
    // NXDOMAIN here is about the address's own domain: kept as such (it does not exist).
    status: answer.status === 'nxdomain' ? 'nxdomain' : dnsSourceStatus(answer.status),
    ms: Math.round(performance.now() - t0),
    servers,
    trust: 'trusted',
    trustReason: 'known-provider',
    authenticated: answer.ad,
    facts,
  };
  return {
    result,
    hosts,
    ...(providerDomain && providerDomain !== ctx.domain && providerDomain !== registrableDomain(ctx.domain)
      ? { providerDomain }
      : {}),
    ...(provider ? { provider } : {}),
  };
}

/** The provider the MX hosts identify, and its brand's or region's own IMAP server; `facts` notes the provider and why no server. */
function providerServers(match: ProviderMatch, facts: MxFacts): { servers: ServerSetting[]; provider: ProviderInfo } {
  const brand = match.brand;
  const name = displayName(match);
  const provider: ProviderInfo = {
    id: match.provider.id,
    name,
    via: match.via,
    evidence: match.evidence,
    ...(brand ? { brand: brand.id } : {}),
  };
  facts.provider = match.provider.id;
  // The brand's or region's own server: WEB.DE's MX gives imap.web.de, an EU Zoho MX imap.zoho.eu.
  const imap = brand?.imap;
  if (imap && !isLoopback(imap.host)) {
    return {
      servers: [{ protocol: 'imap', type: 'imap', host: imap.host, port: imap.port, security: imap.security }],
      provider,
    };
  }
  if (imap) {
    facts.reason = 'provider-bridge';
    facts.bridge = { host: imap.host, port: imap.port };
  } else if (brand) {
    facts.reason = 'provider-imap-unknown';
  }
  return { servers: [], provider };
}
