/**
 * Evidence: plain data that probes and discovery gather, with timings and never prose.
 * Checks read only these types; renderers never see them except through the report.
 * Nothing here may hold a password or token.
 */
import type { DaneEvidence, OAuthProbeEvidence } from './standards.js';
import type { SessionsEvidence, SyncEvidence } from './sync.js';

import type { SourceId } from './discovery.js';

export type Security = 'tls' | 'starttls' | 'plain';
export type Family = 4 | 6;

/** The stages of one endpoint, in the order they run. */
export type Stage =
  | 'resolve'
  | 'tcp'
  | 'tls'
  | 'greeting'
  | 'capability'
  | 'starttls'
  | 'starttls-tls'
  | 'capability-after-tls'
  | 'login'
  | 'mailbox';

/** Internal probe error codes: a closed set; errors/classify.ts is the only translator into it. */
export type ProbeErrorCode =
  // DNS
  | 'NXDOMAIN'
  | 'NODATA'
  | 'SERVFAIL'
  | 'DNS_REFUSED'
  | 'DNS_TIMEOUT'
  | 'DNS_UNREACHABLE'
  | 'DNS_ERROR'
  // TCP
  | 'REFUSED'
  | 'TIMEOUT'
  | 'HOST_UNREACHABLE'
  | 'NET_UNREACHABLE'
  | 'ADDR_NOT_AVAILABLE'
  | 'RESET'
  | 'CLOSED'
  | 'NET_ERROR'
  // TLS
  | 'TLS_NOT_TLS'
  | 'TLS_PROTOCOL_VERSION'
  | 'TLS_HANDSHAKE_FAILURE'
  | 'TLS_WEAK_PARAMS'
  | 'TLS_UNSAFE_RENEGOTIATION'
  | 'TLS_CERT_REJECTED'
  | 'TLS_ERROR'
  // IMAP conversation
  | 'PROTOCOL_ERROR'
  | 'LINE_TOO_LONG'
  | 'COMMAND_NO'
  | 'COMMAND_BAD'
  | 'BYE'
  // HTTP
  | 'HTTP_STATUS'
  | 'HTTP_TLS'
  | 'HTTP_TOO_LARGE'
  | 'HTTP_REDIRECT_LIMIT'
  | 'HTTP_ERROR'
  // where a connection may not go (an IP address or port an unverified source named; --no-private)
  | 'POLICY_REFUSED'
  // anything
  | 'ABORTED'
  | 'INTERNAL';

/**
 * Why a step failed when the doctor itself decided it (a timeout, a limit, a policy, a reply that never
 * came): a code with its values. The words are in the catalogue (PROBE_WHY in src/catalogue/probe-why.ts).
 * Values are strings and numbers only, so a finding can carry them as params.
 */
export type ProbeWhy =
  | { code: 'step-timeout' }
  | { code: 'run-deadline' }
  | { code: 'interrupted' }
  | { code: 'not-needed' }
  | { code: 'server-closed' }
  | { code: 'closed-in-tls-handshake' }
  | { code: 'tls-session-unreadable' }
  | { code: 'line-longer-than'; bytes: number }
  | { code: 'line-over-max'; bytes: number }
  | { code: 'literal-over-max'; bytes: number; limit: number }
  | { code: 'response-over-max'; bytes: number }
  | { code: 'untagged-over-max'; limit: number }
  | { code: 'no-capability-data' }
  | { code: 'no-tagged-reply'; command?: string }
  | { code: 'no-reply'; to: 'login' | 'EXAMINE' | 'IDLE' }
  | { code: 'ok-without-response'; what: string }
  | { code: 'idle-no-continuation' }
  | { code: 'dns-statuses'; a: DnsStatus; aaaa: DnsStatus }
  | { code: 'no-address' }
  | { code: 'not-a-url'; url: string }
  | { code: 'redirect-scheme'; scheme: string }
  | { code: 'redirect-ip'; host: string }
  | { code: 'redirect-port'; port: string }
  | { code: 'private-address'; host: string }
  | { code: 'only-private-addresses'; host: string; addresses: string[] }
  | { code: 'redirect-limit'; limit: number }
  | { code: 'bad-location'; location: string }
  | { code: 'body-too-large'; bytes: number }
  | { code: 'http-status'; status: number }
  | { code: 'issuer-too-large' }
  | { code: 'aia-not-http' }
  | { code: 'lookup-failed'; name: string; status: DnsStatus }
  | DnsWhy;

export type ProbeWhyCode = ProbeWhy['code'];

/**
 * Why a resolver said what it said, when the doctor's own DNS code decided or interpreted it (a timeout,
 * an abort, getaddrinfo's folded codes): a code with its values. Part of ProbeWhy, so an
 * endpoint's resolve error carries it as is. The resolver's raw codes (ESERVFAIL, ETIMEOUT…) stay `message`.
 */
export type DnsWhy =
  | { code: 'dns-no-servers' }
  | { code: 'dns-bad-server-list' }
  | { code: 'dns-no-answer-within'; ms: number }
  /** `by`: the doctor's own abort (a step's timeout, the run deadline, Ctrl-C); without it, `message` holds another reason's words. */
  | { code: 'dns-aborted'; by?: 'step' | 'deadline' | 'interrupted' }
  | { code: 'gai-nodata'; gaiCode: string; errno?: number }
  | { code: 'gai-again-fast'; gaiCode: string; errno?: number }
  | { code: 'gai-again-slow'; gaiCode: string; errno?: number; ms: number }
  | { code: 'gai-fail'; gaiCode: string; errno?: number }
  | { code: 'gai-no-family-address' }
  | { code: 'gai-no-answer-within'; ms: number }
  | { code: 'dns-notes'; notes: DnsNote[] };

/**
 * What the doctor's own DNS client noted about one exchange (a server that failed, a retry, the CNAME
 * chain of the reply kept): a code with its values, words in DNS_NOTE (src/catalogue/probe-why.ts).
 * `server` names the server asked (absent for the reply kept and for the question itself); `tcp`: the
 * UDP reply was truncated and this is what TCP gave; `message` keeps raw words from elsewhere (a socket
 * error code, a decoder's error).
 */
export type DnsNote = { server?: string; tcp?: true; message?: string } & DnsNoteWhy;

export type DnsNoteWhy =
  | { code: 'no-reply'; tries: number; ms: number }
  | { code: 'no-time-for-tcp'; ms: number }
  | { code: 'socket-error' }
  | { code: 'cannot-encode' }
  | { code: 'malformed-reply' }
  | { code: 'unexpected-id'; id?: number }
  | { code: 'no-question' }
  | { code: 'other-question'; qname: string; qtype: string }
  | { code: 'tcp-closed-early' }
  | { code: 'edns-retried'; rcode: string }
  | { code: 'not-asked' }
  | { code: 'status'; status: DnsStatus }
  | { code: 'rcode'; rcode: string }
  | { code: 'cname-loop'; chain: string[] }
  | { code: 'undecodable-answer' }
  | { code: 'cname-chain'; chain: string[] }
  | { code: 'cname-chain-no-data'; chain: string[]; type: string }
  | InvalidNameWhy;

/** Why a name cannot be sent as a DNS question (RFC 1035 §2.3.4); `label`: the start of the label too long. */
export type InvalidNameWhy =
  { code: 'name-too-long' } | { code: 'empty-label' } | { code: 'label-too-long'; label: string };

export type DnsNoteCode = DnsNoteWhy['code'];

export interface ProbeError {
  code: ProbeErrorCode;
  /**
   * Short technical text from elsewhere (Node/OpenSSL/server words), secret-free; absent when the
   * doctor decided the failure itself (then `why` says why). With `why`, the library's words under it.
   */
  message?: string;
  /** The doctor's own reason, as a code with values (no words). */
  why?: ProbeWhy;
  /** The raw library code when there was one (ECONNREFUSED, ERR_SSL_WRONG_VERSION_NUMBER, …). */
  rawCode?: string;
}

/** `at`: when the stage began, in ms from the run's start (recorded by the doctor; absent in older evidence). */
export type Outcome<T> =
  | { state: 'ok'; value: T; ms: number; at?: number }
  | { state: 'failed'; error: ProbeError; ms: number; at?: number }
  | { state: 'skipped'; blockedBy: Stage | 'deadline' | 'policy' };

// ---------------------------------------------------------------- DNS

export type DnsStatus =
  'records' | 'nodata' | 'nxdomain' | 'servfail' | 'refused' | 'timeout' | 'unreachable' | 'error';

/** One classified DNS answer. `records` is empty unless status is 'records'. */
export interface DnsAnswer<R = unknown> {
  name: string;
  type: string;
  status: DnsStatus;
  records: R[];
  /** DNSSEC "authenticated data" bit of the answer. */
  ad: boolean;
  /** Which server answered (ip:port), or 'system' for the OS resolver. */
  server: string;
  ms: number;
  /** udp, tcp (after truncation), or system. */
  via: 'udp' | 'tcp' | 'system';
  /** The resolver's own words (a raw error code, a library message); the doctor's reading of it is `why`. */
  message?: string;
  why?: DnsWhy;
  /** The other resolver of a race (getaddrinfo vs the doctor's own DNS client) answered otherwise. */
  disagreement?: ResolverDisagreement;
}

/** What the resolver whose answer was not kept said, when it differs from the kept one (both answered). */
export interface ResolverDisagreement {
  /** 'system' (getaddrinfo) or the DNS server (ip:port) of the doctor's own client. */
  server: string;
  status: DnsStatus;
  records: string[];
}

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  target: string;
}
export interface MxRecord {
  preference: number;
  exchange: string;
}

// ---------------------------------------------------------------- TLS

export interface CertInfo {
  subject: string;
  commonName?: string;
  subjectAltNames: string[];
  issuer: string;
  issuerCommonName?: string;
  organization?: string;
  issuerOrganization?: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  serialNumber: string;
  selfIssued: boolean;
  isCA: boolean;
  keyType?: string;
  keyBits?: number;
  signatureAlgorithm?: string;
  aiaIssuerUrl?: string;
  /** True when this certificate is one of the trust anchors the doctor used (system roots or --ca-file). */
  trustAnchor: boolean;
  /** Digests DANE matches against (RFC 6698 §2.1.3), lower-case hex: SHA-512 of the certificate, SHA-256/512 of its SubjectPublicKeyInfo. */
  sha512?: string;
  spkiSha256?: string;
  spkiSha512?: string;
}

export interface TlsInfo {
  protocol: string;
  cipher: string;
  /** SNI sent, absent for IP literals. */
  servername?: string;
  /** Leaf first, as OpenSSL built it from what the server sent (+ a trust anchor when found). */
  chain: CertInfo[];
  /** Chain verification against system roots + --ca-file, hostname not included. */
  chainVerified: boolean;
  /** Node/OpenSSL verification code when the chain did not verify (CERT_HAS_EXPIRED, …). */
  verifyError?: string;
  /** Hostname check against the name dialled. */
  hostnameChecked: string;
  hostnameOk: boolean;
  /** Node's own message when the names do not match (tls.checkServerIdentity), as it gave it. */
  hostnameError?: string;
  /** Why no name could be checked: 'no-certificate', the server sent none (older evidence wrote words in hostnameError). */
  hostnameFailure?: 'no-certificate';
  /** Set when the handshake only worked with legacy settings (TLS < 1.2, SECLEVEL 0). */
  legacyOnly?: boolean;
  /** Missing-intermediate evidence: the AIA caIssuers fetch. */
  aia?: {
    url: string;
    fetched: boolean;
    /** The fetched issuer completes the chain to a trusted root. */
    completesChain: boolean;
    /** The library's words; the doctor's own reason is `why`. */
    error?: string;
    why?: ProbeWhy;
    issuerSubject?: string;
  };
}

// ---------------------------------------------------------------- IMAP

export type GreetingKind = 'ok' | 'preauth' | 'bye' | 'pop3' | 'smtp' | 'http' | 'ssh' | 'ftp' | 'tls' | 'unknown';

export interface Greeting {
  /** The first line, control characters replaced, at most 512 characters. */
  line: string;
  kind: GreetingKind;
  /** The human text after the status and response code. */
  text: string;
  /** Response code inside [ ], without arguments (CAPABILITY, UNAVAILABLE, ALERT, …). */
  code?: string;
  /** Capabilities carried by a [CAPABILITY …] greeting code. */
  capabilities?: string[];
}

export interface TaggedResponse {
  status: 'OK' | 'NO' | 'BAD';
  code?: string;
  text: string;
  line: string;
}

export interface StarttlsResult {
  advertised: boolean;
  response: TaggedResponse;
  /** Bytes the server sent after its OK and before the TLS handshake (response injection). */
  injectedBytes: number;
  injectedSample?: string;
}

export interface TranscriptLine {
  /** ms since the connection started. */
  t: number;
  dir: 'c' | 's' | 'i';
  /** 'plain' before TLS, 'tls' inside it. */
  layer: 'plain' | 'tls';
  text: string;
}

/** The other mode tried on the same port to name a wrong security setting. */
export interface ModeCheck {
  tried: 'plaintext' | 'tls';
  outcome: Outcome<{ greeting?: Greeting; tlsProtocol?: string }>;
}

/** The IMAP conversation with one address of an endpoint. */
export interface AddressProbe {
  address: string;
  family: Family;
  tcp: Outcome<{ localAddress?: string }>;
  /** Implicit TLS handshake (security 'tls'). */
  tls?: Outcome<TlsInfo>;
  greeting: Outcome<Greeting>;
  /** CAPABILITY on the first layer: before TLS for starttls/plain, inside TLS for tls. */
  capability: Outcome<string[]>;
  starttls?: Outcome<StarttlsResult>;
  starttlsTls?: Outcome<TlsInfo>;
  capabilityAfterTls?: Outcome<string[]>;
  modeCheck?: ModeCheck;
  /** A retry with legacy TLS settings, made only to name a server stuck on TLS 1.0/1.1 or weak crypto. */
  legacyTls?: Outcome<TlsInfo>;
  transcript?: TranscriptLine[];
}

export type LoginWithheldReason =
  | 'no-credentials'
  | 'disabled'
  | 'no-tls'
  | 'tls-not-verified'
  | 'starttls-injection'
  | 'login-disabled'
  | 'no-mechanism'
  | 'untrusted-host'
  | 'unreachable'
  | 'earlier-credential-failure'
  | 'earlier-login-error'
  /** imap-doctor crashed during this endpoint's login (reported as INTERNAL_ERROR). */
  | 'internal-error'
  | 'deadline'
  | 'interrupted'
  | 'oauth-discover';

export interface LoginAttempt {
  address: string;
  mechanism?: string;
  /** When the login began, in ms from the run's start. */
  at?: number;
  ms: number;
  ok: boolean;
  /** The tagged reply of the failing command, credentials never included. */
  response?: TaggedResponse;
  /** [ALERT] texts, verbatim. */
  alerts: string[];
  /** Untagged BYE text, if the server hung up. */
  bye?: string;
  error?: ProbeError;
  /** Is this a definite rejection of the credentials (stop trying elsewhere)? */
  credentialsRejected: boolean;
  /** OAuth error challenge decoded from the server (JSON fields). */
  oauthError?: Record<string, string>;
  capabilitiesAfterLogin?: string[];
  mailbox?: Outcome<{ name: string; exists: number; readOnly: boolean }>;
  /** The read-only sync probe after the login (only on the endpoint whose login worked first). */
  sync?: SyncEvidence;
  /** --sessions: the extra concurrent logins on that endpoint. */
  sessions?: SessionsEvidence;
  /** A doctor bug inside the sync probe (reported as INTERNAL_ERROR; the login's evidence stays). */
  syncError?: string;
  transcript?: TranscriptLine[];
  /**
   * When a refusal text was hidden whole for quoting a piece of the secret: the refusal's texts (reply,
   * alerts, BYE) with only those pieces masked, so the refusal is classified on the server's own words,
   * in the live run and when the evidence is judged again.
   */
  refusalTexts?: string[];
}

export type LoginEvidence =
  { state: 'withheld'; reason: LoginWithheldReason } | { state: 'attempted'; attempt: LoginAttempt };

export type Provenance = 'user' | 'published' | 'mx' | 'insecure' | 'guess';
export type Trust = 'trusted' | 'unverified';

/** Why a source's (or a candidate's) trust is what it is. */
export type TrustReason =
  | 'named-by-user'
  | 'inside-domain'
  | 'https-domain'
  | 'dns'
  | 'dnssec'
  | 'ispdb'
  | 'ispdb-via-mx'
  | 'known-provider'
  | 'http'
  | 'redirect-to-http'
  | 'redirect-off-domain'
  | 'srv-outside-domain'
  | 'mx-dnssec'
  | 'mx-not-dnssec'
  | 'pacc-digest'
  | 'pacc-unverified'
  | 'obsolete'
  | 'not-run';

export interface SourceRef {
  /** The source that proposed it. */
  source: SourceId;
  /** Record name or URL that proposed it. */
  ref?: string;
  trust: Trust;
  /** Why the trust is what it is. */
  trustReason: TrustReason;
  username?: string;
}

export interface Candidate {
  host: string;
  port: number;
  security: Security;
  provenance: Provenance;
  trust: Trust;
  /** The user explicitly trusted this host (--host or --trust-host). */
  userTrusted: boolean;
  /** The port/security were guessed although the host came from the user. */
  portGuessed: boolean;
  sources: SourceRef[];
  username?: string;
}

/**
 * What became of an endpoint's host lookup: the lookup itself, or a crash of the doctor (a bug) before
 * or during it — recorded as what it is, never as made-up DNS answers.
 */
export type ResolveEvidence = ResolveLookup | ResolveCrashed;

/** The probe of this endpoint crashed (reported once as INTERNAL_ERROR): no DNS result exists, nothing was probed. */
export interface ResolveCrashed {
  /** Where it crashed: in the resolve stage, or elsewhere in the endpoint's probe. */
  crashed: 'resolve' | 'probe';
  at?: number;
  ms: number;
  addresses: [];
  /** Always INTERNAL. */
  error: ProbeError;
}

/** A and AAAA of an endpoint's host, asked separately. `error` is set when no address came back. */
export interface ResolveLookup {
  /** When the lookup began, in ms from the run's start. */
  at?: number;
  ms: number;
  /** literal, pinned, system, or the DNS server (ip:port) that answered. */
  via: string;
  a: DnsStatus;
  aaaa: DnsStatus;
  /** The addresses probed. */
  addresses: { address: string; family: Family }[];
  /** Addresses found but not probed: past LIMITS.addressesPerFamily of their family. */
  notProbed?: string[];
  /** Private addresses not connected to because of --no-private. */
  refused?: string[];
  error?: ProbeError;
  /** Per family: the OS resolver and the doctor's own DNS client disagreed (the kept answer is `a`/`aaaa`). */
  disagreements?: Array<ResolverDisagreement & { family: Family }>;
}

export interface EndpointEvidence {
  /** 'host:port/security', stable and unique in a report. */
  id: string;
  rank: number;
  candidate: Candidate;
  resolve: ResolveEvidence;
  addresses: AddressProbe[];
  login: LoginEvidence;
  /** TLSA for this host and port (DANE), when a DNS path was available. */
  dane?: DaneEvidence;
  /** --oauth-discover: the empty-token OAUTHBEARER sent here instead of a login. */
  oauthProbe?: OAuthProbeEvidence;
}

// Endpoint identity is read in one place (model/reading.ts); re-exported for the modules that build ids.
export { endpointId } from './reading.js';

// ---------------------------------------------------------------- cross-endpoint network evidence

/**
 * A TCP connection made only to interpret another failure: the same address on a web port or on
 * the other IMAP port (is the machine up, is only this port dropped?), the DNS resolver itself
 * (is there any network at all?), or the IMAP server the user named with --reference (does this
 * network let mail through at all?). A connect and nothing more: no bytes are sent.
 */
export interface ReferenceProbe {
  purpose: 'same-host-web' | 'same-host-other-imap' | 'resolver' | 'user-reference';
  /** The endpoints (ids) whose failure it helps to interpret; empty for the resolver. */
  forEndpoints: string[];
  /** Host name of those endpoints, the resolver's address, or the --reference host. */
  host: string;
  /** Empty for a --reference name that resolved to no address (the outcome holds the DNS error). */
  address: string;
  family: Family;
  port: number;
  outcome: Outcome<Record<string, never>>;
}

/** The local clock against a server's clock (HTTP Date headers), to tell clock skew from bad certificates. */
export interface ClockSample {
  source: string;
  serverDate: string;
  localDate: string;
}

export interface NetworkEvidence {
  references: ReferenceProbe[];
  clock: ClockSample[];
}
