/**
 * Evidence of the newest discovery standards, as typed facts with closed reason codes (no prose):
 * PACC (draft-ietf-mailmaint-pacc -02…-04), autoconfig 1.2 (draft-ietf-mailmaint-autoconfig-06:
 * OAuth 2 settings, lookups derived from the MX), OAuth issuer metadata (RFC 8414, OpenID Connect
 * Discovery, RFC 7628) and DANE (RFC 6698, 7671, 7673). Plain data; checks judge it.
 */
import type { RefusedTarget } from './discovery.js';
import type { DnsStatus, ProbeError, TaggedResponse } from './evidence.js';

// ---------------------------------------------------------------- PACC

/** Why a PACC document could not be used; absent when it was verified and read. */
export type PaccProblem =
  /** `_ua-auto-config.D` has no TXT record: nothing vouches for the document. */
  | 'no-txt'
  /** The TXT lookup failed (SERVFAIL, timeout): could not check. */
  | 'txt-lookup-failed'
  /** TXT records exist, but none is a `v=UAAC1; a=sha256; d=…` record. */
  | 'txt-no-digest'
  /** No digest in the TXT records matches the document's bytes. */
  | 'digest-mismatch'
  /** The digest matched, but the bytes are not JSON. */
  | 'not-json'
  /** The JSON is not an object with a `protocols` object. */
  | 'not-object'
  /** No usable `protocols.imap.host`. */
  | 'no-imap';

/** One TXT record at `_ua-auto-config.D`, its character-strings joined, with the tags read. */
export interface PaccTxtRecord {
  raw: string;
  /** A `v=UAAC1` record with `a=sha256` and a `d=` digest. */
  usable: boolean;
  /** The `d=` value (base64 SHA-256) when present. */
  digest?: string;
  algorithm?: string;
}

export interface PaccFacts {
  txtName: string;
  txtStatus: DnsStatus;
  /** DNSSEC AD bit of the TXT answer (believed only from a trusted validating resolver). */
  txtAuthenticated: boolean;
  txt: PaccTxtRecord[];
  /** Base64 SHA-256 of the exact bytes served (what the TXT record must carry). */
  bodyDigest?: string;
  bodyBytes?: number;
  /** DNS and HTTPS agree: a digest in the TXT set matches the bytes. */
  verified: boolean;
  problem?: PaccProblem;
  /** The JSON parser's own message for 'not-json'. */
  detail?: string;
  /** Which key named the submission server: `submit` (-03 on) or `smtp` (-02). */
  submissionKey?: 'submit' | 'smtp';
  /** `authentication.password`. */
  passwordAllowed?: boolean;
  /** `authentication["oauth-public"].issuer`. */
  oauthIssuer?: string;
  provider?: { name?: string; shortName?: string };
  documentation?: string;
}

/** The obsolete PACC publication (drafts before -01): `https://D/.well-known/pacc.json` and SRV `_pacc._https.D`. */
export interface PaccObsoleteFacts {
  wellKnownUrl: string;
  /** A JSON object was served there with status 2xx. */
  wellKnownPresent: boolean;
  wellKnownStatus?: number;
  srvName: string;
  srvStatus: DnsStatus;
  /** SRV records exist there (targets as published). */
  srvTargets: string[];
}

// ---------------------------------------------------------------- autoconfig 1.2

/** `<oAuth2>` of an autoconfig 1.2 document (draft-ietf-mailmaint-autoconfig-06); the client secret is never kept. */
export interface OAuth2Published {
  issuer?: string;
  authURL?: string;
  tokenURL?: string;
  scope?: string;
  clientID?: string;
}

/** How a source was derived from the MX (draft-ietf-mailmaint-autoconfig-06 §3: MXFULLDOMAIN, MXBASEDOMAIN). */
export interface MxDerivation {
  /** The highest-priority MX host. */
  mxHost: string;
  /** The domain asked: the MX host minus its first label ('full') or its registrable domain ('base'). */
  domain: string;
  kind: 'full' | 'base';
  /** The MX answer was DNSSEC-validated (AD from a trusted validating resolver). */
  dnssec: boolean;
}

// ---------------------------------------------------------------- DANE

/** One TLSA record (RFC 6698 §2.1); `data` in lower-case hex. */
export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: string;
}

/** The TLSA question for one endpoint, asked with the DO bit. */
export interface TlsaLookup {
  /** `_<port>._tcp.<host>`. */
  name: string;
  status: DnsStatus;
  /** AD bit (cleared when the resolver path is not trusted). */
  ad: boolean;
  records: TlsaRecord[];
  server: string;
  ms: number;
  /** After SERVFAIL, the same question with CD (checking disabled): an answer then means bogus DNSSEC. */
  checkingDisabled?: { status: DnsStatus; records: number };
}

export interface DaneEvidence {
  /** AD bits can be believed: a validating resolver on a path that cannot be forged (the SRV rule). */
  adTrusted: boolean;
  tlsa: TlsaLookup;
  /**
   * The host's address records asked with DO: `ad` when both answered and validated (RFC 7673 §3);
   * `bogus` when one failed validation (SERVFAIL that went away with CD).
   */
  address: { a: DnsStatus; aaaa: DnsStatus; ad: boolean; bogus?: boolean };
}

// ---------------------------------------------------------------- OAuth

/** Where an issuer was named: a verified PACC document, an autoconfig `<oAuth2>`, or the server's RFC 7628 error. */
export type IssuerOrigin = 'pacc' | 'autoconfig' | 'sasl-error';

/** Why one metadata fetch gave nothing usable. */
export type MetadataProblem =
  /** The issuer or URL is not an https URL without query and fragment. */
  | 'bad-url'
  /** A redirect answered; RFC 8414 metadata is not followed through redirects. */
  | 'redirect'
  /** No answer, or a status other than 200. */
  | 'http-error'
  /** The body was larger than LIMITS.oauthMetadataBytes; reading stopped there. */
  | 'too-large'
  /** Not fetched: the issuer's host has only private addresses (--no-private); see `refused`. */
  | 'refused'
  /** The body is not a JSON object. */
  | 'not-json'
  /** The document's `issuer` is not the issuer asked about (RFC 8414 §3.3). */
  | 'issuer-mismatch'
  /** No authorization or token endpoint in the document. */
  | 'missing-endpoints';

export interface MetadataFetch {
  kind: 'rfc8414' | 'oidc';
  url: string;
  ms: number;
  httpStatus?: number;
  /** The Location of a redirect that was not followed. */
  location?: string;
  error?: ProbeError;
  problem?: MetadataProblem;
  /** What was not connected to (--no-private), as discovery sources record it. */
  refused?: RefusedTarget;
}

/** The parts of RFC 8414 / OpenID Connect metadata a mail app needs to get a token. */
export interface IssuerMetadata {
  issuer: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  registrationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  scopesSupported?: string[];
  grantTypesSupported?: string[];
  codeChallengeMethodsSupported?: string[];
}

export interface OAuthIssuerEvidence {
  /** The issuer URL as named (https, no query or fragment), or the discovery URL the server named. */
  issuer: string;
  from: IssuerOrigin[];
  /** Source ids (pacc, autoconfig, …) or endpoint ids that named it. */
  namedBy: string[];
  fetches: MetadataFetch[];
  /** The first fetch that gave usable metadata. */
  metadata?: IssuerMetadata;
  metadataFrom?: 'rfc8414' | 'oidc';
}

/** `--oauth-discover`: one AUTHENTICATE OAUTHBEARER with an empty token, to read the RFC 7628 §3.2.2 error. */
export interface OAuthProbeEvidence {
  address: string;
  ms: number;
  /** The decoded error JSON from the server's challenge (string values only). */
  challenge?: Record<string, string>;
  /** The tagged reply that ended the exchange. */
  response?: TaggedResponse;
  error?: ProbeError;
  /** Metadata fetched from the challenge's `openid-configuration`. */
  issuer?: OAuthIssuerEvidence;
}
