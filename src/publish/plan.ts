/**
 * What `imap-doctor publish` may recommend, read from a diagnosis of the domain: only IMAP
 * endpoints that were verified to work (verified TLS, an IMAP greeting), their certificate chains
 * (for TLSA), the SASL mechanisms offered after TLS, whether STARTTLS is offered at all, the
 * outgoing server some source published (or the one given with --submission), and an OAuth issuer
 * a trusted source named. Pure: report in, plan out.
 */
import { configFacts, tlsInfoVerified } from '../model/reading.js';
import type { SourceResult } from '../model/discovery.js';
import type { CertInfo, Security } from '../model/evidence.js';
import type { AddressReport, EndpointReport, Report } from '../model/report.js';

export interface PlannedServer {
  host: string;
  port: number;
  security: Security;
}

export interface PlannedChain extends PlannedServer {
  leaf: CertInfo;
  /** The certificate that issued the leaf, when the server sent it (or it is a trusted root the chain reached). */
  issuer?: CertInfo;
}

export interface PublishPlan {
  domain: string;
  /** The provider's name for display fields: a published one, else the domain. */
  providerName: string;
  /** Verified IMAP endpoints, implicit TLS first. Empty: nothing can be recommended. */
  imap: PlannedServer[];
  chains: PlannedChain[];
  /** SASL mechanisms offered after TLS on the first verified endpoint (upper case). */
  sasl: string[];
  /** The LOGIN command works (no LOGINDISABLED after TLS). */
  loginCommand: boolean;
  submission?: PlannedServer & { from: string };
  /** The OAuth issuer a trusted source named (with its endpoints when its metadata was read), when the server offers OAuth. */
  oauth?: { issuer: string; authURL?: string; tokenURL?: string };
}

/** The address of a working endpoint whose verified TLS session the plan reads. */
function verifiedAddress(e: EndpointReport): AddressReport | undefined {
  return e.working ? e.addresses.find((a) => a.tls !== undefined && tlsInfoVerified(a.tls)) : undefined;
}

/** The first outgoing server any found source names (PACC, autoconfig, SRV _submissions/_submission). */
function publishedSubmission(sources: readonly SourceResult[]): (PlannedServer & { from: string }) | undefined {
  const order = [
    'pacc',
    'autoconfig',
    'autoconfig-wellknown',
    'ispdb',
    'srv-submissions',
    'srv-submission',
    'mx-autoconfig',
    'mx-autoconfig-base',
    'mx-ispdb-full',
    'mx-ispdb',
  ];
  for (const id of order) {
    for (const s of sources.filter((x) => x.source === id && x.status === 'found' && x.trust === 'trusted')) {
      const x = s.servers.find((v) => v.protocol === 'smtp' && v.security !== 'unknown' && v.security !== 'plain');
      if (x && x.security !== 'unknown') return { host: x.host, port: x.port, security: x.security, from: s.query };
    }
  }
  return undefined;
}

function publishedOAuth(r: Report): PublishPlan['oauth'] {
  const known = [
    ...(r.discovery?.oauthIssuers ?? []),
    ...r.endpoints.flatMap((e) => (e.oauthProbe?.issuer ? [e.oauthProbe.issuer] : [])),
  ].find((i) => i.metadata);
  if (known?.metadata) {
    const m = known.metadata;
    return {
      issuer: m.issuer,
      ...(m.authorizationEndpoint ? { authURL: m.authorizationEndpoint } : {}),
      ...(m.tokenEndpoint ? { tokenURL: m.tokenEndpoint } : {}),
    };
  }
  for (const s of r.discovery?.sources ?? []) {
    const issuer =
      s.status === 'found' && s.trust === 'trusted' ? (s.pacc?.oauthIssuer ?? s.oauth2?.issuer) : undefined;
    if (issuer) return { issuer };
  }
  return undefined;
}

export function planFromReport(r: Report, submission?: PlannedServer): PublishPlan {
  const verified = r.endpoints
    .map((e) => ({ e, a: verifiedAddress(e) }))
    .filter((x): x is { e: EndpointReport; a: AddressReport } => x.a !== undefined && x.e.security !== 'plain')
    .sort((x, y) => (x.e.security === 'tls' ? 0 : 1) - (y.e.security === 'tls' ? 0 : 1) || x.e.rank - y.e.rank);
  const first = verified[0];
  // One host: the best verified one, with whichever of its ports work.
  const same = first ? verified.filter((x) => x.e.host === first.e.host) : [];
  const caps = first?.a.capabilities.afterTls ?? [];
  const sasl = caps.filter((c) => /^AUTH=/i.test(c)).map((c) => c.slice(5).toUpperCase());
  const provider = (r.discovery?.sources ?? [])
    .map((s) => s.pacc?.provider?.name ?? (s.trust === 'trusted' ? configFacts(s)?.displayName : undefined))
    .find((n) => n);
  const sub = submission ? { ...submission, from: '--submission' } : publishedSubmission(r.discovery?.sources ?? []);
  const oauth = sasl.includes('OAUTHBEARER') || sasl.includes('XOAUTH2') ? publishedOAuth(r) : undefined;
  return {
    domain: r.input.domain,
    providerName: provider ?? r.input.domain,
    imap: same.map(({ e }) => ({ host: e.host, port: e.port, security: e.security })),
    chains: same.flatMap(({ e, a }) => {
      const leaf = a.tls?.chain[0];
      const issuerCert = a.tls?.chain[1];
      return leaf
        ? [{ host: e.host, port: e.port, security: e.security, leaf, ...(issuerCert ? { issuer: issuerCert } : {}) }]
        : [];
    }),
    sasl,
    loginCommand: !caps.some((c) => c.toUpperCase() === 'LOGINDISABLED'),
    ...(sub ? { submission: sub } : {}),
    ...(oauth ? { oauth } : {}),
  };
}
