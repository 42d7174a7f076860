/**
 * Check: where OAuth tokens come from, when a server offers OAuth and no token was given. Issuers
 * named by trusted sources (PACC, autoconfig <oAuth2>) or announced by the server itself
 * (--oauth-discover, RFC 7628 §3.2.2) with usable metadata become OAUTH_TOKEN_HOWTO; metadata that
 * cannot be used (redirects, wrong issuer, not JSON) OAUTH_METADATA_INVALID; no issuer anywhere,
 * when no password or token was given at all, OAUTH_ISSUER_UNKNOWN.
 */
import { oidcUrl, rfc8414Url } from '../../discovery/oauth-metadata.js';
import type { EndpointEvidence } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import type { Params } from '../../catalogue/index.js';
import type { MetadataFetch, OAuthIssuerEvidence } from '../../model/standards.js';
import { authMechanisms } from '../../probes/imap-parse.js';
import { offersOAuth } from '../../probes/oauth-probe.js';
import type { Check } from '../types.js';
import { finding, loginCapabilities, notEvidence } from '../types.js';
import { LIMITS } from '../../limits.js';

/**
 * What went wrong with each metadata fetch, as parallel lists (the catalogue words them): the URL,
 * the problem code, the HTTP status ('' when none) and the redirect's Location or the error's
 * message ('' when none).
 */
function fetchProblems(fetches: readonly MetadataFetch[]): Params {
  return {
    problemUrls: fetches.map((f) => f.url),
    problemCodes: fetches.map((f) => f.problem ?? ''),
    problemStatus: fetches.map((f) => (f.httpStatus !== undefined ? String(f.httpStatus) : '')),
    problemDetails: fetches.map((f) => (f.problem === 'redirect' ? (f.location ?? '') : (f.error?.message ?? ''))),
    problemWhys: fetches.map((f) => (f.problem !== 'redirect' && f.error?.why ? JSON.stringify(f.error.why) : '')),
    maxBytes: LIMITS.oauthMetadataBytes,
  };
}

function issuerFindings(ev: OAuthIssuerEvidence, e?: EndpointEvidence): Finding[] {
  const where = e ? { e } : undefined;
  const m = ev.metadata;
  if (m) {
    const used = ev.fetches.find((f) => f.kind === ev.metadataFrom && !f.problem);
    return [
      finding(
        'OAUTH_TOKEN_HOWTO',
        'login',
        {
          issuer: ev.issuer,
          from: ev.from,
          metadataUrl: used?.url ?? '',
          ...(m.authorizationEndpoint ? { authorizationEndpoint: m.authorizationEndpoint } : {}),
          ...(m.tokenEndpoint ? { tokenEndpoint: m.tokenEndpoint } : {}),
          ...(m.registrationEndpoint ? { registrationEndpoint: m.registrationEndpoint } : {}),
          ...(m.scopesSupported && m.scopesSupported.length > 0 ? { scopes: m.scopesSupported.slice(0, 12) } : {}),
        },
        where,
      ),
    ];
  }
  // Not looked at (--no-private): PRIVATE_ADDRESS_REFUSED says so, nothing is known about the metadata.
  if (ev.fetches.length > 0 && ev.fetches.every((f) => f.problem === 'refused')) return [];
  let expected: string;
  try {
    expected = ev.from.includes('sasl-error') ? oidcUrl(ev.issuer) : rfc8414Url(ev.issuer);
  } catch {
    expected = ev.issuer;
  }
  return [
    finding(
      'OAUTH_METADATA_INVALID',
      'login',
      { issuer: ev.issuer, from: ev.from, ...fetchProblems(ev.fetches), expected },
      where,
    ),
  ];
}

function probeFindings(e: EndpointEvidence): Finding[] {
  const p = e.oauthProbe;
  if (!p) return [];
  // A probe imap-doctor cut short or crashed in is no evidence about the server (INTERNAL_ERROR reports a crash).
  if (notEvidence(p.error)) return [];
  if (p.issuer) return issuerFindings(p.issuer, e);
  const status = p.challenge?.status ?? p.error?.code ?? p.response?.status;
  return [
    finding(
      'OAUTH_ISSUER_UNKNOWN',
      'login',
      { mechanisms: oauthMechanisms(e), probed: true, ...(status ? { status } : {}) },
      { e },
    ),
  ];
}

function oauthMechanisms(e: EndpointEvidence): string[] {
  const caps = e.addresses.map(loginCapabilities).find((c) => c !== undefined);
  return authMechanisms(caps).filter((m) => m === 'OAUTHBEARER' || m === 'XOAUTH2');
}

export const oauthCheck: Check = {
  id: 'auth/oauth',
  needs: [],
  run: (ctx) => {
    if (ctx.credentials === 'oauth') return [];
    const issuers = ctx.discovery?.oauthIssuers ?? [];
    const published = issuers.flatMap((ev) => issuerFindings(ev));
    const probed = ctx.endpoints.flatMap(probeFindings);
    // An issuer was named, or the server asked (even when --no-private kept the metadata unread or the probe was cut short).
    if (issuers.length > 0 || ctx.endpoints.some((e) => e.oauthProbe)) return [...published, ...probed];
    // Only when no secret was given at all: a refused password has its own, more specific advice.
    const first = [...ctx.endpoints].sort((a, b) => a.rank - b.rank).find(offersOAuth);
    if (ctx.credentials !== null || !first) return [];
    return [
      finding('OAUTH_ISSUER_UNKNOWN', 'login', { mechanisms: oauthMechanisms(first), probed: false }, { e: first }),
    ];
  },
};
