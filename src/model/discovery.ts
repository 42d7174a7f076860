/**
 * Discovery evidence: what every source answered, kept side by side with where it came from.
 * Plain data only; checks judge it, renderers print it through the report.
 */
import type { DnsStatus, DnsWhy, ProbeError, Security, Trust, TrustReason } from './evidence.js';
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
  /** SRV sources: the record's priority (RFC 2782, lower first). */
  priority?: number;
}

export type ParseProblemCode =
  'unknown-socket-type' | 'unfilled-placeholder' | 'bad-port' | 'bad-hostname' | 'missing-field' | 'too-many-servers';

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

/**
 * What in a document made it unusable, beyond its reason: a code and its values (the words are
 * INVALID_WHY in src/catalogue/discovery.ts). `xml-error` carries the XML parser's own message.
 */
export type InvalidWhy =
  | { code: 'no-root-element' }
  | { code: 'root-element'; element: string }
  | { code: 'no-autodiscover-response'; element: string }
  | { code: 'no-element'; element: string }
  | { code: 'redirect-addr-missing' }
  | { code: 'redirect-url-unusable'; redirectUrl: string }
  | { code: 'over-limit'; limit: number; bytes?: number }
  | { code: 'nested-too-deep'; limit: number }
  | { code: 'too-many-elements'; limit: number }
  | { code: 'html-doctype' }
  | { code: 'declaration'; kind: string }
  | { code: 'html-root'; element: string }
  | { code: 'html-malformed' }
  | { code: 'xml-error'; message: string; line: number; column: number };
export type InvalidWhyCode = InvalidWhy['code'];

/**
 * Why a document could not be used: `why` is what the doctor found; `detail` is text from elsewhere,
 * kept as it came (an XML parser's exception message, the SRV targets that are not host names).
 */
export interface ParseFailed<R extends string = ParseFailure> {
  reason: R;
  detail?: string;
  why?: InvalidWhy;
}

export type ParseResult = { ok: true; config: ParsedConfig } | ({ ok: false } & ParseFailed);

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

/** The four RFC 6186 SRV sources. */
export type SrvSourceId = 'srv-imaps' | 'srv-imap' | 'srv-submissions' | 'srv-submission';
/** Sources that read a Thunderbird config-v1.1 document (the domain's own, the ISPDB, and through the MX). */
export type ConfigSourceId =
  | 'autoconfig'
  | 'autoconfig-wellknown'
  | 'autoconfig-http'
  | 'autoconfig-wellknown-http'
  | 'ispdb'
  | 'mx-ispdb'
  | 'mx-autoconfig'
  | 'mx-autoconfig-base'
  | 'mx-ispdb-full';
export type AutodiscoverSourceId = 'autodiscover' | 'autodiscover-domain' | 'autodiscover-srv';
export type PaccSourceId = 'pacc' | 'pacc-obsolete';

/**
 * Why a source says what it says, when its status alone does not (the words are SOURCE_REASON in
 * src/catalogue/labels.ts). Each family of sources has its own; 'internal-error' is any source's.
 */
export type SrvReason = 'srv-target-not-host';
export type ConfigReason =
  'no-ispdb' | 'ispdb-url-invalid' | 'no-mx-host' | 'mx-not-host-name' | 'mx-inside-domain' | 'mx-no-full-domain';
export type MxReason = 'provider-bridge' | 'provider-imap-unknown';
export type AutodiscoverReason =
  | 'no-srv-record'
  | 'srv-target-not-host'
  | 'unverified-target-refused'
  | 'asks-credentials'
  | 'autodiscover-error'
  | 'redirect-addr-not-followed'
  | 'redirect-url-not-followed';
/** Why the guesses were (not) made. */
export type GuessReason = 'guess-asked' | 'nothing-usable-published' | 'pop3-only' | 'settings-published';
export type SourceReason = 'internal-error' | SrvReason | ConfigReason | MxReason | AutodiscoverReason | GuessReason;

/** What every source's facts may hold: the reason code. */
interface FactsBase<R extends SourceReason> {
  reason?: R | 'internal-error';
}

/** A DNS step: the name asked, how it was answered, by whom (the resolver's own diagnostic in dnsMessage). */
export interface DnsStepFacts {
  dnsName?: string;
  dnsStatus?: DnsStatus;
  dnsServer?: string;
  dnsMessage?: string;
  /** The doctor's reading of the answer (words in the catalogue); dnsMessage keeps only the resolver's own. */
  dnsWhy?: DnsWhy;
}

/** An HTTP fetch: the server's Date header (ISO), Content-Type, the last URL after redirects; the DNS step of its host when that failed. */
export interface HttpStepFacts {
  httpDate?: string;
  contentType?: string;
  finalUrl?: string;
  dnsName?: string;
  dnsStatus?: DnsStatus;
}

/** An alias met on the way to an SRV target's address (RFC 2782 forbids one): the target and the names it led to. */
export interface SrvAlias {
  target: string;
  chain: string[];
}

export interface SrvFacts extends FactsBase<SrvReason>, DnsStepFacts {
  /** The records as published ("priority weight port target"). */
  records?: string[];
  /** Targets that are not host names (with reason 'srv-target-not-host'): never dialled. */
  badTargets?: string[];
  targetCnames?: SrvAlias[];
  targetsWithoutAddress?: string[];
}

export interface ConfigFacts extends FactsBase<ConfigReason>, HttpStepFacts {
  providerId?: string;
  displayName?: string;
  enableUrl?: string;
  documentation?: string[];
}

/** How the resolver answered the root's NS question (evidence before this wrote ". NS → status (ms)"). */
export interface ResolverCheck {
  status: DnsStatus;
  ms: number;
}

export interface MxFacts extends FactsBase<MxReason>, DnsStepFacts {
  /** RFC 7505: a single "." MX, the domain accepts no mail. */
  nullMx?: boolean;
  mxHosts?: string[];
  /** The provider the MX hosts identify (src/knowledge id), and the registrable domain of the first MX host. */
  provider?: string;
  providerDomain?: string;
  /** The provider is reached through a local bridge (reason 'provider-bridge'): where it listens, not probed. */
  bridge?: { host: string; port: number };
  /** The resolver's answer to ". NS" (tells "could not look" from "nothing published"): its status and time. */
  resolverCheck?: ResolverCheck;
}

export interface AutodiscoverFacts extends FactsBase<AutodiscoverReason>, HttpStepFacts, DnsStepFacts {
  /** _autodiscover._tcp SRV records as published (source autodiscover-srv). */
  records?: string[];
  badTargets?: string[];
  /** The server's ErrorCode/Message (reason 'autodiscover-error'), as sent. */
  errorDetail?: string;
  /** Where the answer redirects, not followed (reasons 'redirect-addr-not-followed', 'redirect-url-not-followed'). */
  redirectAddr?: string;
  redirectUrl?: string;
}

export type PaccSourceFacts = FactsBase<never> & HttpStepFacts;
export type GuessFacts = FactsBase<GuessReason>;
export type UserFacts = FactsBase<never>;

/** The facts of each source, keyed by its id. */
export interface SourceFactsMap {
  user: UserFacts;
  'srv-imaps': SrvFacts;
  'srv-imap': SrvFacts;
  'srv-submissions': SrvFacts;
  'srv-submission': SrvFacts;
  autoconfig: ConfigFacts;
  'autoconfig-wellknown': ConfigFacts;
  'autoconfig-http': ConfigFacts;
  'autoconfig-wellknown-http': ConfigFacts;
  ispdb: ConfigFacts;
  'mx-ispdb': ConfigFacts;
  'mx-autoconfig': ConfigFacts;
  'mx-autoconfig-base': ConfigFacts;
  'mx-ispdb-full': ConfigFacts;
  mx: MxFacts;
  autodiscover: AutodiscoverFacts;
  'autodiscover-domain': AutodiscoverFacts;
  'autodiscover-srv': AutodiscoverFacts;
  pacc: PaccSourceFacts;
  'pacc-obsolete': PaccSourceFacts;
  guess: GuessFacts;
}

/** The reason codes a source's facts may carry. */
export type ReasonOf<S extends SourceId> = NonNullable<SourceFactsMap[S]['reason']>;

/** What every source answers, whatever it is. */
export interface SourceResultBase {
  /** DNS name queried or URL fetched (first URL; see hops for redirects). */
  query: string;
  status: SourceStatus;
  ms: number;
  servers: ServerSetting[];
  trust: Trust;
  trustReason: TrustReason;
  hops?: HttpHop[];
  httpStatus?: number;
  invalid?: ParseFailed<ParseFailure | ParseProblemCode | 'no-imap' | 'bad-xml'>;
  problems?: ParseProblem[];
  error?: ProbeError;
  /** DNSSEC AD bit on DNS sources. */
  authenticated?: boolean;
  /** What this source named that was not connected to (see RefusedTarget). */
  refused?: RefusedTarget[];
  /** PACC: the TXT digests, the document's digest, what it says (source 'pacc'). */
  pacc?: PaccFacts;
  /** The obsolete PACC publication, found or not (source 'pacc-obsolete'). */
  paccObsolete?: PaccObsoleteFacts;
  /** `<oAuth2>` of an autoconfig 1.2 document. */
  oauth2?: OAuth2Published;
  /** How an MX-derived lookup came about (sources mx-autoconfig*, mx-ispdb*). */
  viaMx?: MxDerivation;
}

/** One source's answer, its facts typed by its id. */
export interface SourceResultOf<S extends SourceId> extends SourceResultBase {
  source: S;
  facts?: SourceFactsMap[S];
}

/** Any source's answer: a union keyed by `source`, so `s.source === 'mx'` gives MX facts. */
export type SourceResult = { [K in SourceId]: SourceResultOf<K> }[SourceId];

/** Is `s` one of `ids`? (narrows its facts) */
export function isSourceOf<S extends SourceId>(
  s: SourceResult,
  ids: readonly S[],
): s is Extract<SourceResult, { source: S }> {
  return (ids as readonly SourceId[]).includes(s.source);
}

export const SRV_SOURCE_IDS: readonly SrvSourceId[] = ['srv-imaps', 'srv-imap', 'srv-submissions', 'srv-submission'];
export const CONFIG_SOURCE_IDS: readonly ConfigSourceId[] = [
  'autoconfig',
  'autoconfig-wellknown',
  'autoconfig-http',
  'autoconfig-wellknown-http',
  'ispdb',
  'mx-ispdb',
  'mx-autoconfig',
  'mx-autoconfig-base',
  'mx-ispdb-full',
];

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
