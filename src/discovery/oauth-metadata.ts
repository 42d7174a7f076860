/**
 * OAuth issuer discovery for mail (draft-ietf-mailmaint-oauth-public): the issuers trusted sources
 * name (a verified PACC document, an autoconfig <oAuth2>), and their metadata — RFC 8414 first
 * (`/.well-known/oauth-authorization-server` inserted before the issuer's path), then OpenID Connect
 * Discovery (`/.well-known/openid-configuration` appended). Redirects are never followed, and a
 * document must name exactly the issuer asked about (RFC 8414 §3.3). GETs without credentials.
 */
import type { DiscoveryEvidence } from '../model/discovery.js';
import type {
  IssuerMetadata,
  IssuerOrigin,
  MetadataFetch,
  MetadataProblem,
  OAuthIssuerEvidence,
} from '../model/standards.js';
import { LIMITS } from '../limits.js';
import { stepSignal } from '../util/deadline.js';
import type { Fetcher } from './http.js';

export interface IssuerRequest {
  issuer: string;
  from: IssuerOrigin[];
  namedBy: string[];
}

/**
 * An issuer as an https URL without query or fragment; a bare host name (the autoconfig sample
 * writes `login.example.com`) becomes `https://host`. Undefined when it cannot be one.
 */
export function normaliseIssuer(raw: string): string | undefined {
  const text = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw.trim() : `https://${raw.trim()}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '')
    return undefined;
  return `${u.origin}${u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '')}`;
}

/** RFC 8414 §3.1: the well-known suffix goes between the host and the issuer's path. */
export function rfc8414Url(issuer: string): string {
  const u = new URL(issuer);
  return `${u.origin}/.well-known/oauth-authorization-server${u.pathname === '/' ? '' : u.pathname}`;
}

/** OpenID Connect Discovery §4: the suffix is appended to the issuer. */
export function oidcUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/** The issuers named by sources that were found and can be trusted, merged by issuer. */
export function publishedIssuers(d: DiscoveryEvidence): IssuerRequest[] {
  const out = new Map<string, IssuerRequest>();
  const add = (raw: string | undefined, from: IssuerOrigin, by: string) => {
    if (!raw) return;
    const issuer = normaliseIssuer(raw) ?? raw;
    const r = out.get(issuer) ?? { issuer, from: [], namedBy: [] };
    if (!r.from.includes(from)) r.from.push(from);
    if (!r.namedBy.includes(by)) r.namedBy.push(by);
    out.set(issuer, r);
  };
  for (const s of d.sources) {
    if (s.status !== 'found' || s.trust !== 'trusted') continue;
    add(s.pacc?.oauthIssuer, 'pacc', s.source);
    add(s.oauth2?.issuer, 'autoconfig', s.source);
  }
  return [...out.values()];
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The parts a mail app needs, or why the body is not usable metadata for `issuer`. */
export function readMetadata(
  body: string,
  issuer: string,
): { metadata: IssuerMetadata } | { problem: MetadataProblem } {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { problem: 'not-json' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { problem: 'not-json' };
  const m = doc as Record<string, unknown>;
  if (m.issuer !== issuer) return { problem: 'issuer-mismatch' };
  const metadata: IssuerMetadata = { issuer };
  const set = <K extends keyof IssuerMetadata>(k: K, v: IssuerMetadata[K] | undefined) => {
    if (v !== undefined) metadata[k] = v;
  };
  set('authorizationEndpoint', text(m.authorization_endpoint));
  set('tokenEndpoint', text(m.token_endpoint));
  set('registrationEndpoint', text(m.registration_endpoint));
  set('deviceAuthorizationEndpoint', text(m.device_authorization_endpoint));
  set('scopesSupported', strings(m.scopes_supported));
  set('grantTypesSupported', strings(m.grant_types_supported));
  set('codeChallengeMethodsSupported', strings(m.code_challenge_methods_supported));
  if (!metadata.authorizationEndpoint && !metadata.tokenEndpoint) return { problem: 'missing-endpoints' };
  return { metadata };
}

/** One metadata GET, no redirects followed, at most LIMITS.oauthMetadataBytes; --no-private applies as to every fetch. */
export async function fetchMetadata(
  fetch: Fetcher,
  kind: MetadataFetch['kind'],
  url: string,
  issuer: string,
  signal: AbortSignal,
): Promise<{ fetch: MetadataFetch; metadata?: IssuerMetadata }> {
  const o = await fetch(
    { url, followRedirects: false, headers: { Accept: 'application/json' }, maxBytes: LIMITS.oauthMetadataBytes },
    signal,
  );
  const last = o.hops[o.hops.length - 1];
  const f: MetadataFetch = {
    kind,
    url,
    ms: o.ms,
    ...(o.status !== undefined ? { httpStatus: o.status } : {}),
    ...(o.error ? { error: o.error } : {}),
  };
  if (o.refused) return { fetch: { ...f, refused: o.refused, problem: 'refused' } };
  if (last?.location) return { fetch: { ...f, location: last.location, problem: 'redirect' } };
  if (o.tooLarge) return { fetch: { ...f, problem: 'too-large' } };
  if (o.status !== 200 || o.body === undefined) return { fetch: { ...f, problem: 'http-error' } };
  const read = readMetadata(o.body, issuer);
  return 'problem' in read ? { fetch: { ...f, problem: read.problem } } : { fetch: f, metadata: read.metadata };
}

/** RFC 8414 metadata, else OpenID Connect discovery, for one issuer. */
export async function fetchIssuerMetadata(
  fetch: Fetcher,
  req: IssuerRequest,
  run: AbortSignal,
  timeoutMs: number,
): Promise<OAuthIssuerEvidence> {
  const ev: OAuthIssuerEvidence = { issuer: req.issuer, from: req.from, namedBy: req.namedBy, fetches: [] };
  if (normaliseIssuer(req.issuer) !== req.issuer) {
    ev.fetches.push({ kind: 'rfc8414', url: req.issuer, ms: 0, problem: 'bad-url' });
    return ev;
  }
  for (const [kind, url] of [
    ['rfc8414', rfc8414Url(req.issuer)],
    ['oidc', oidcUrl(req.issuer)],
  ] as const) {
    const r = await fetchMetadata(fetch, kind, url, req.issuer, stepSignal(run, timeoutMs));
    ev.fetches.push(r.fetch);
    if (r.metadata) {
      ev.metadata = r.metadata;
      ev.metadataFrom = kind;
      break;
    }
  }
  return ev;
}

/**
 * The `openid-configuration` URL a server named in its RFC 7628 error: its issuer is the URL
 * without the well-known suffix, which the document must name (OpenID Connect Discovery §4.3).
 */
export async function fetchAnnouncedConfiguration(
  fetch: Fetcher,
  url: string,
  namedBy: string,
  signal: AbortSignal,
): Promise<OAuthIssuerEvidence> {
  const suffix = '/.well-known/openid-configuration';
  const issuer = url.endsWith(suffix) ? url.slice(0, -suffix.length) : url;
  const ev: OAuthIssuerEvidence = { issuer, from: ['sasl-error'], namedBy: [namedBy], fetches: [] };
  if (!url.endsWith(suffix) || normaliseIssuer(issuer) !== issuer) {
    ev.fetches.push({ kind: 'oidc', url, ms: 0, problem: 'bad-url' });
    return ev;
  }
  const r = await fetchMetadata(fetch, 'oidc', url, issuer, signal);
  ev.fetches.push(r.fetch);
  if (r.metadata) {
    ev.metadata = r.metadata;
    ev.metadataFrom = 'oidc';
  }
  return ev;
}
