/**
 * auth/oauth on hand-built evidence (RFC 8414, RFC 7628): how to get a token from usable issuer
 * metadata, metadata that could not be used, an OAuth server that names no issuer; and run/internal-evidence
 * for a --oauth-discover probe imap-doctor crashed in.
 */
import { describe, expect, it } from 'vitest';
import { renderEntry } from '../../../../src/catalogue/index.js';
import { oauthCheck } from '../../../../src/checks/auth/oauth.js';
import { internalEvidenceCheck } from '../../../../src/checks/run/run.js';
import type { DiscoveryEvidence, SourceResult } from '../../../../src/model/discovery.js';
import type { OAuthIssuerEvidence } from '../../../../src/model/standards.js';
import { discovery } from '../../../helpers/discovery.js';
import { addressProbe, candidate, context, endpoint } from '../../../helpers/evidence.js';

const evidence = (...sources: SourceResult[]): DiscoveryEvidence => discovery(sources);

describe('auth/oauth', () => {
  const oauthServer = () =>
    endpoint(candidate(), {
      addresses: [
        addressProbe('tls', {
          capability: { state: 'ok', value: ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=OAUTHBEARER'], ms: 1 },
        }),
      ],
    });
  const issuer = (over: Partial<OAuthIssuerEvidence> = {}): OAuthIssuerEvidence => ({
    issuer: 'https://login.example.com',
    from: ['autoconfig'],
    namedBy: ['autoconfig'],
    fetches: [
      {
        kind: 'rfc8414',
        url: 'https://login.example.com/.well-known/oauth-authorization-server',
        ms: 1,
        httpStatus: 200,
      },
    ],
    metadata: {
      issuer: 'https://login.example.com',
      authorizationEndpoint: 'https://login.example.com/a',
      tokenEndpoint: 'https://login.example.com/t',
    },
    metadataFrom: 'rfc8414',
    ...over,
  });
  const run = (d: DiscoveryEvidence | null, credentials: 'password' | 'oauth' | null = null, e = oauthServer()) =>
    oauthCheck.run(context([e], { discovery: d, credentials }));

  it('OAUTH_TOKEN_HOWTO from usable metadata; nothing when a token was given', () => {
    const d = { ...evidence(), oauthIssuers: [issuer()] };
    expect(run(d)[0]).toMatchObject({
      code: 'OAUTH_TOKEN_HOWTO',
      params: {
        issuer: 'https://login.example.com',
        tokenEndpoint: 'https://login.example.com/t',
        metadataUrl: 'https://login.example.com/.well-known/oauth-authorization-server',
      },
    });
    expect(run(d, 'oauth')).toEqual([]);
  });

  it("OAUTH_METADATA_INVALID lists each fetch's problem", () => {
    const bad = issuer({
      metadata: undefined,
      metadataFrom: undefined,
      fetches: [
        {
          kind: 'rfc8414',
          url: 'https://login.example.com/.well-known/oauth-authorization-server',
          ms: 1,
          httpStatus: 301,
          location: 'https://x.example.net/',
          problem: 'redirect',
        },
        {
          kind: 'oidc',
          url: 'https://login.example.com/.well-known/openid-configuration',
          ms: 1,
          httpStatus: 404,
          problem: 'http-error',
        },
      ],
    });
    const f = run({ ...evidence(), oauthIssuers: [bad] })[0];
    expect(f?.code).toBe('OAUTH_METADATA_INVALID');
    expect(f?.params).toMatchObject({
      problemUrls: [
        'https://login.example.com/.well-known/oauth-authorization-server',
        'https://login.example.com/.well-known/openid-configuration',
      ],
      problemCodes: ['redirect', 'http-error'],
      problemStatus: ['301', '404'],
      problemDetails: ['https://x.example.net/', ''],
    });
    // The words are the catalogue's, one phrase per fetch.
    if (f) {
      expect(renderEntry(f.code, f.params, f.subject).explanation).toContain(
        'but: https://login.example.com/.well-known/oauth-authorization-server: redirect to https://x.example.net/ (not followed), https://login.example.com/.well-known/openid-configuration: HTTP 404.',
      );
    }
  });

  it('OAUTH_ISSUER_UNKNOWN when the server offers OAuth, nothing names an issuer and no secret was given', () => {
    expect(run(evidence())[0]).toMatchObject({
      code: 'OAUTH_ISSUER_UNKNOWN',
      params: { mechanisms: ['OAUTHBEARER'], probed: false },
    });
    // A password was given (refused or not): its own findings speak; no extra note about tokens.
    expect(run(evidence(), 'password')).toEqual([]);
    const probed = {
      ...oauthServer(),
      oauthProbe: {
        address: '192.0.2.10',
        ms: 1,
        response: { status: 'NO' as const, text: 'Authentication failed.', line: 'o1 NO Authentication failed.' },
      },
    };
    expect(run(null, null, probed)[0]).toMatchObject({
      code: 'OAUTH_ISSUER_UNKNOWN',
      params: { probed: true, status: 'NO' },
    });
  });

  it('a --oauth-discover probe imap-doctor crashed in is INTERNAL_ERROR, and no evidence that the server names no issuer', () => {
    const crashed = {
      ...oauthServer(),
      oauthProbe: {
        address: '192.0.2.10',
        ms: 1,
        error: { code: 'INTERNAL' as const, message: '--oauth-discover: TypeError: boom' },
      },
    };
    expect(run(null, null, crashed)).toEqual([]);
    const bugs = internalEvidenceCheck.run(context([crashed]));
    expect(bugs.map((f) => [f.code, f.params.step, f.params.endpoint, f.params.error])).toEqual([
      ['INTERNAL_ERROR', 'oauth-discover', crashed.id, '--oauth-discover: TypeError: boom'],
    ]);
    expect(renderEntry('INTERNAL_ERROR', bugs[0]?.params ?? {}, {}).title).toBe(
      `imap-doctor hit an internal error in --oauth-discover on ${crashed.id}`,
    );
  });
});
