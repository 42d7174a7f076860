/**
 * Discovery evidence: what every source answered, kept side by side with where it came from.
 * Plain data only; checks judge it, renderers print it through the report.
 */
import type { ProbeError, Security, Trust, TrustReason } from './evidence.js';
import type { MxDerivation, OAuth2Published, OAuthIssuerEvidence, PaccFacts, PaccObsoleteFacts } from './standards.js';

export type MailProtocol = 'imap' | 'pop3' | 'smtp' | 'other';

/** One server setting as a source published it (placeholders already filled). */
export interface ServerSetting {
  protocol: MailProtocol;
  /** The raw type attribute / protocol name as published (imap, pop3, smtp, exchange, …). */
  type: string;
  host: string;
  port: number;
  /** 'unknown' when the source gave a socket type we do not understand (see `rawSecurity`). */
  security: Security | 'unknown';
  rawSecurity?: string;
  username?: string;
  /** Every <authentication> value in document order (most preferred first). */
  authentication?: string[];
  /** Those marked system="sasl" (autoconfig 1.2), upper-cased: SASL mechanism names. */
  sasl?: string[];
}

export type ParseProblemCode =
  | 'unknown-socket-type'
  | 'unfilled-placeholder'
  | 'bad-port'
  | 'bad-hostname'
  | 'missing-field'
  | 'too-many-servers';

export interface ParseProblem {
  code: ParseProblemCode;
  /** Which server entry (index in document order) and field. */
  where: string;
  value?: string;
}

export type ParseFailure =
  | 'empty'
  | 'too-large'
  | 'doctype'
  | 'html'
  | 'too-deep'
  | 'too-many-elements'
  | 'not-xml'
  | 'no-client-config'
  | 'no-incoming-server';

export interface ParsedConfig {
  providerId?: string;
  displayName?: string;
  domains: string[];
  incoming: ServerSetting[];
  outgoing: ServerSetting[];
  problems: ParseProblem[];
  /** Provider's "enable IMAP first" instruction URL, when the file carries one. */
  enableUrl?: string;
  documentationUrls: string[];
  /** `<oAuth2>` (autoconfig 1.2). */
  oauth2?: OAuth2Published;
}

export type ParseResult = { ok: true; config: ParsedConfig } | { ok: false; reason: ParseFailure; detail?: string };

export type SourceId =
  | 'user'
  | 'srv-imaps'
  | 'srv-imap'
  | 'srv-submissions'
  | 'srv-submission'
  | 'autoconfig'
  | 'autoconfig-wellknown'
  | 'autoconfig-http'
  | 'autoconfig-wellknown-http'
  | 'ispdb'
  | 'mx'
  | 'mx-ispdb'
  | 'autodiscover'
  | 'autodiscover-domain'
  | 'autodiscover-srv'
  | 'pacc'
  | 'pacc-obsolete'
  | 'mx-autoconfig'
  | 'mx-autoconfig-base'
  | 'mx-ispdb-full'
  | 'guess';

export type SourceStatus =
  | 'found'
  | 'not-found'
  | 'service-disabled'
  | 'nxdomain'
  | 'servfail'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'http-error'
  | 'tls-error'
  | 'invalid'
  | 'skipped'
  | 'disabled';

export interface HttpHop {
  url: string;
  status?: number;
  location?: string;
}

/**
 * A target a source named that was not connected to: an IP address or an unusual port from a source
 * that cannot be verified (an attacker on the path could steer the probe there), or, with
 * --no-private, a private address.
 */
export interface RefusedTarget {
  /** host:port, or the URL. */
  target: string;
  reason: 'ip-literal' | 'port' | 'private-address';
}

export interface SourceResult {
  source: SourceId;
  /** DNS name queried or URL fetched (first URL; see hops for redirects). */
  query: string;
  status: SourceStatus;
  ms: number;
  servers: ServerSetting[];
  trust: Trust;
  trustReason: TrustReason;
  hops?: HttpHop[];
  httpStatus?: number;
  invalid?: { reason: ParseFailure | ParseProblemCode | 'no-imap' | 'bad-xml'; detail?: string };
  problems?: ParseProblem[];
  error?: ProbeError;
  /** DNSSEC AD bit on DNS sources. */
  authenticated?: boolean;
  /** What this source named that was not connected to (see RefusedTarget). */
  refused?: RefusedTarget[];
  /** Extra facts by source: SRV raw records, MX hosts, provider id, enable URL… */
  facts?: Record<string, string | number | boolean | string[]>;
  /** PACC: the TXT digests, the document's digest, what it says (source 'pacc'). */
  pacc?: PaccFacts;
  /** The obsolete PACC publication, found or not (source 'pacc-obsolete'). */
  paccObsolete?: PaccObsoleteFacts;
  /** `<oAuth2>` of an autoconfig 1.2 document. */
  oauth2?: OAuth2Published;
  /** How an MX-derived lookup came about (sources mx-autoconfig*, mx-ispdb*). */
  viaMx?: MxDerivation;
}

export interface ProviderInfo {
  id: string;
  name: string;
  /** How it was recognised: mx, host, greeting, domain. */
  via: string;
  evidence: string;
  /** The brand or region (src/knowledge): WEB.DE vs GMX, a Zoho region, AOL vs Yahoo, Outlook.com vs Microsoft 365. */
  brand?: string;
}

export interface DiscoveryEvidence {
  domain: string;
  sources: SourceResult[];
  provider?: ProviderInfo;
  /** Did the resolver itself answer anything at all (to tell "could not look" from "nothing published")? */
  resolverWorking: boolean | null;
  /** When discovery began (ms from the run's start) and how long it took, for the timeline. */
  at?: number;
  ms?: number;
  /** OAuth issuers named by trusted sources, with their metadata (fetched when the server offers OAuth and no token was given). */
  oauthIssuers?: OAuthIssuerEvidence[];
}
