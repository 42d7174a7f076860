/**
 * The pure parts of the newest standards: PACC TXT records and JSON (draft-ietf-mailmaint-pacc),
 * the MX-derived domains of autoconfig-06 §3, OAuth issuer URLs and metadata (RFC 8414, OpenID
 * Connect Discovery) and the RFC 7628 exchange. The checks built on them are tested in
 * test/unit/checks/discovery/pacc.test.ts, test/unit/checks/auth/published-auth.test.ts and oauth.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { mxDomains } from '../../../src/discovery/mx-autoconfig.js';
import { normaliseIssuer, oidcUrl, readMetadata, rfc8414Url } from '../../../src/discovery/oauth-metadata.js';
import { paccDigest, parseUaacRecord, readPaccJson, uaacTxt } from '../../../src/discovery/parse-pacc.js';
import { decodeChallenge, emptyBearerResponse, PLACEHOLDER_TOKEN } from '../../../src/probes/oauth-probe.js';

const digest = paccDigest(Buffer.from('{"protocols":{"imap":{"host":"imap.example.com"}}}'));

describe('PACC: TXT records and the document', () => {
  it('reads UAAC1 records in any tag order, with spaces, a final semicolon and unknown tags', () => {
    expect(parseUaacRecord(`v=UAAC1; a=sha256; d=${digest}`)).toMatchObject({ usable: true, digest });
    expect(parseUaacRecord(`d=${digest};a=SHA256 ;x=future; v=UAAC1;`)).toMatchObject({ usable: true, digest });
    expect(parseUaacRecord(`v=UAAC2; a=sha256; d=${digest}`).usable).toBe(false);
    expect(parseUaacRecord(`v=UAAC1; a=sha512; d=${digest}`).usable).toBe(false);
    expect(parseUaacRecord('v=UAAC1; a=sha256; d=not-a-digest').usable).toBe(false);
    expect(parseUaacRecord('v=spf1 -all')).toEqual({ raw: 'v=spf1 -all', usable: false });
    expect(uaacTxt(digest)).toBe(`v=UAAC1; a=sha256; d=${digest}`);
  });

  it('the digest is over the exact bytes: a trailing newline or a BOM is a different document', () => {
    const body = Buffer.from('{"a":1}');
    expect(paccDigest(body)).not.toBe(paccDigest(Buffer.from('{"a":1}\n')));
    expect(paccDigest(body)).not.toBe(paccDigest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])));
  });

  it('reads IMAP on 993 and submission on 465 under `submit` (-03) or `smtp` (-02), auth and provider', () => {
    const doc = (extra: object) =>
      JSON.stringify({
        protocols: { imap: { host: 'IMAP.Example.com.' }, ...extra },
        authentication: { password: false, 'oauth-public': { issuer: 'https://login.example.com' } },
        info: { provider: { name: 'Example', shortName: 'Ex' }, help: { documentation: 'https://example.com/help' } },
      });
    const submit = readPaccJson(doc({ submit: { host: 'smtp.example.com' } }));
    expect(submit).toEqual({
      ok: true,
      servers: [
        { protocol: 'imap', type: 'imap', host: 'imap.example.com', port: 993, security: 'tls' },
        { protocol: 'smtp', type: 'submit', host: 'smtp.example.com', port: 465, security: 'tls' },
      ],
      facts: {
        passwordAllowed: false,
        oauthIssuer: 'https://login.example.com',
        provider: { name: 'Example', shortName: 'Ex' },
        documentation: 'https://example.com/help',
        submissionKey: 'submit',
      },
    });
    const smtp = readPaccJson(doc({ smtp: { host: 'smtp.example.com' } }));
    expect(smtp.ok && smtp.facts.submissionKey).toBe('smtp');
  });

  it('refuses what cannot be used, with a reason code', () => {
    expect(readPaccJson('{"protocols":')).toMatchObject({ ok: false, problem: 'not-json' });
    expect(readPaccJson('[]')).toMatchObject({ ok: false, problem: 'not-object' });
    expect(readPaccJson('{"protocols":{"jmap":{"url":"https://jmap.example.com"}}}')).toMatchObject({
      ok: false,
      problem: 'no-imap',
    });
    expect(readPaccJson('{"protocols":{"imap":{"host":"bad host!"}}}')).toMatchObject({
      ok: false,
      problem: 'no-imap',
    });
  });
});

describe('autoconfig via the MX (draft-ietf-mailmaint-autoconfig-06 §3)', () => {
  it('MXFULLDOMAIN only when longer than MXBASEDOMAIN, the base by the public suffix list', () => {
    expect(mxDomains('mx.premium.europe.example.com')).toEqual({
      base: 'example.com',
      full: 'premium.europe.example.com',
    });
    expect(mxDomains('mx.example.com')).toEqual({ base: 'example.com' });
    expect(mxDomains('mx.example.co.uk')).toEqual({ base: 'example.co.uk' });
    expect(mxDomains('MX1.EU.Hoster.test.')).toEqual({ base: 'hoster.test', full: 'eu.hoster.test' });
  });
});

describe('OAuth issuer URLs and metadata', () => {
  it('issuers are https URLs without query or fragment; a bare host (the draft sample) becomes one', () => {
    expect(normaliseIssuer('login.example.com')).toBe('https://login.example.com');
    expect(normaliseIssuer('https://login.example.com/')).toBe('https://login.example.com');
    expect(normaliseIssuer('https://login.example.com/tenant/')).toBe('https://login.example.com/tenant');
    for (const bad of [
      'http://login.example.com',
      'https://login.example.com/?x=1',
      'https://login.example.com/#f',
      'https://u:p@login.example.com',
      'not a url at all',
    ])
      expect(normaliseIssuer(bad), bad).toBeUndefined();
  });

  it('RFC 8414 inserts the well-known suffix before the path; OpenID appends it', () => {
    expect(rfc8414Url('https://login.example.com')).toBe(
      'https://login.example.com/.well-known/oauth-authorization-server',
    );
    expect(rfc8414Url('https://login.example.com/tenant')).toBe(
      'https://login.example.com/.well-known/oauth-authorization-server/tenant',
    );
    expect(oidcUrl('https://login.example.com/tenant')).toBe(
      'https://login.example.com/tenant/.well-known/openid-configuration',
    );
  });

  it('metadata must name exactly the issuer asked about and carry an endpoint', () => {
    const iss = 'https://login.example.com';
    expect(
      readMetadata(
        JSON.stringify({
          issuer: iss,
          authorization_endpoint: `${iss}/a`,
          token_endpoint: `${iss}/t`,
          scopes_supported: ['mail', 7],
        }),
        iss,
      ),
    ).toEqual({
      metadata: {
        issuer: iss,
        authorizationEndpoint: `${iss}/a`,
        tokenEndpoint: `${iss}/t`,
        scopesSupported: ['mail'],
      },
    });
    expect(readMetadata(JSON.stringify({ issuer: `${iss}/`, token_endpoint: 'x' }), iss)).toEqual({
      problem: 'issuer-mismatch',
    });
    expect(readMetadata(JSON.stringify({ issuer: iss }), iss)).toEqual({ problem: 'missing-endpoints' });
    expect(readMetadata('<html>', iss)).toEqual({ problem: 'not-json' });
  });

  it('the RFC 7628 initial response carries no token, escapes the GS2 name; the challenge JSON is read', () => {
    const ir = Buffer.from(emptyBearerResponse('a,b=c@example.com', 'imap.example.com', 993), 'base64').toString(
      'utf8',
    );
    expect(ir).toBe(
      `n,a=a=2Cb=3Dc@example.com,\x01host=imap.example.com\x01port=993\x01auth=Bearer ${PLACEHOLDER_TOKEN}\x01\x01`,
    );
    const challenge = Buffer.from(
      JSON.stringify({
        status: 'invalid_token',
        scope: 'mail',
        'openid-configuration': 'https://login.example.com/.well-known/openid-configuration',
        n: 401,
      }),
    ).toString('base64');
    expect(decodeChallenge(challenge)).toEqual({
      status: 'invalid_token',
      scope: 'mail',
      'openid-configuration': 'https://login.example.com/.well-known/openid-configuration',
      n: '401',
    });
    expect(decodeChallenge(Buffer.from('not json').toString('base64'))).toBeUndefined();
  });
});
