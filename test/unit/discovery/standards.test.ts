/**
 * The pure parts of the newest standards: PACC TXT records and JSON (draft-ietf-mailmaint-pacc),
 * the MX-derived domains of autoconfig-06 §3, OAuth issuer URLs and metadata (RFC 8414, OpenID
 * Connect Discovery), the RFC 7628 exchange, and the checks built on them (PACC, the published
 * authentication against the server's SASL list, OAuth issuers) from hand-built evidence.
 */
import { describe, expect, it } from 'vitest';
import { renderEntry } from '../../../src/catalogue/index.js';
import { paccCheck } from '../../../src/checks/discovery/pacc.js';
import { oauthCheck } from '../../../src/checks/auth/oauth.js';
import { internalEvidenceCheck } from '../../../src/checks/run/run.js';
import { publishedAuthCheck } from '../../../src/checks/auth/published-auth.js';
import { mxDomains } from '../../../src/discovery/mx-autoconfig.js';
import { normaliseIssuer, oidcUrl, readMetadata, rfc8414Url } from '../../../src/discovery/oauth-metadata.js';
import { paccDigest, parseUaacRecord, readPaccJson, uaacTxt } from '../../../src/discovery/parse-pacc.js';
import type { DiscoveryEvidence, SourceResult, SourceResultBase } from '../../../src/model/discovery.js';
import type { OAuthIssuerEvidence, PaccFacts } from '../../../src/model/standards.js';
import { decodeChallenge, emptyBearerResponse, PLACEHOLDER_TOKEN } from '../../../src/probes/oauth-probe.js';
import { addressProbe, candidate, context, endpoint } from '../../helpers/evidence.js';

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
    const doc = (extra: object) => JSON.stringify({ protocols: { imap: { host: 'IMAP.Example.com.' }, ...extra }, authentication: { password: false, 'oauth-public': { issuer: 'https://login.example.com' } }, info: { provider: { name: 'Example', shortName: 'Ex' }, help: { documentation: 'https://example.com/help' } } });
    const submit = readPaccJson(doc({ submit: { host: 'smtp.example.com' } }));
    expect(submit).toEqual({
      ok: true,
      servers: [
        { protocol: 'imap', type: 'imap', host: 'imap.example.com', port: 993, security: 'tls' },
        { protocol: 'smtp', type: 'submit', host: 'smtp.example.com', port: 465, security: 'tls' },
      ],
      facts: { passwordAllowed: false, oauthIssuer: 'https://login.example.com', provider: { name: 'Example', shortName: 'Ex' }, documentation: 'https://example.com/help', submissionKey: 'submit' },
    });
    const smtp = readPaccJson(doc({ smtp: { host: 'smtp.example.com' } }));
    expect(smtp.ok && smtp.facts.submissionKey).toBe('smtp');
  });

  it('refuses what cannot be used, with a reason code', () => {
    expect(readPaccJson('{"protocols":')).toMatchObject({ ok: false, problem: 'not-json' });
    expect(readPaccJson('[]')).toMatchObject({ ok: false, problem: 'not-object' });
    expect(readPaccJson('{"protocols":{"jmap":{"url":"https://jmap.example.com"}}}')).toMatchObject({ ok: false, problem: 'no-imap' });
    expect(readPaccJson('{"protocols":{"imap":{"host":"bad host!"}}}')).toMatchObject({ ok: false, problem: 'no-imap' });
  });
});

describe('autoconfig via the MX (draft-ietf-mailmaint-autoconfig-06 §3)', () => {
  it('MXFULLDOMAIN only when longer than MXBASEDOMAIN, the base by the public suffix list', () => {
    expect(mxDomains('mx.premium.europe.example.com')).toEqual({ base: 'example.com', full: 'premium.europe.example.com' });
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
    for (const bad of ['http://login.example.com', 'https://login.example.com/?x=1', 'https://login.example.com/#f', 'https://u:p@login.example.com', 'not a url at all']) expect(normaliseIssuer(bad), bad).toBeUndefined();
  });

  it('RFC 8414 inserts the well-known suffix before the path; OpenID appends it', () => {
    expect(rfc8414Url('https://login.example.com')).toBe('https://login.example.com/.well-known/oauth-authorization-server');
    expect(rfc8414Url('https://login.example.com/tenant')).toBe('https://login.example.com/.well-known/oauth-authorization-server/tenant');
    expect(oidcUrl('https://login.example.com/tenant')).toBe('https://login.example.com/tenant/.well-known/openid-configuration');
  });

  it('metadata must name exactly the issuer asked about and carry an endpoint', () => {
    const iss = 'https://login.example.com';
    expect(readMetadata(JSON.stringify({ issuer: iss, authorization_endpoint: `${iss}/a`, token_endpoint: `${iss}/t`, scopes_supported: ['mail', 7] }), iss)).toEqual({
      metadata: { issuer: iss, authorizationEndpoint: `${iss}/a`, tokenEndpoint: `${iss}/t`, scopesSupported: ['mail'] },
    });
    expect(readMetadata(JSON.stringify({ issuer: `${iss}/`, token_endpoint: 'x' }), iss)).toEqual({ problem: 'issuer-mismatch' });
    expect(readMetadata(JSON.stringify({ issuer: iss }), iss)).toEqual({ problem: 'missing-endpoints' });
    expect(readMetadata('<html>', iss)).toEqual({ problem: 'not-json' });
  });

  it('the RFC 7628 initial response carries no token, escapes the GS2 name; the challenge JSON is read', () => {
    const ir = Buffer.from(emptyBearerResponse('a,b=c@example.com', 'imap.example.com', 993), 'base64').toString('utf8');
    expect(ir).toBe(`n,a=a=2Cb=3Dc@example.com,\x01host=imap.example.com\x01port=993\x01auth=Bearer ${PLACEHOLDER_TOKEN}\x01\x01`);
    const challenge = Buffer.from(JSON.stringify({ status: 'invalid_token', scope: 'mail', 'openid-configuration': 'https://login.example.com/.well-known/openid-configuration', n: 401 })).toString('base64');
    expect(decodeChallenge(challenge)).toEqual({ status: 'invalid_token', scope: 'mail', 'openid-configuration': 'https://login.example.com/.well-known/openid-configuration', n: '401' });
    expect(decodeChallenge(Buffer.from('not json').toString('base64'))).toBeUndefined();
  });
});

const source = (over: Partial<SourceResultBase> & { source?: 'pacc' | 'pacc-obsolete' | 'autoconfig' }): SourceResult => ({ source: 'pacc', query: 'https://ua-auto-config.example.com/.well-known/user-agent-configuration.json', status: 'found', ms: 1, servers: [], trust: 'trusted', trustReason: 'pacc-digest', ...over });
const facts = (over: Partial<PaccFacts>): PaccFacts => ({ txtName: '_ua-auto-config.example.com', txtStatus: 'records', txtAuthenticated: false, txt: [], verified: false, ...over });
const discovery = (...sources: SourceResult[]): DiscoveryEvidence => ({ domain: 'example.com', sources, resolverWorking: true });

describe('the PACC check', () => {
  const run = (...s: SourceResult[]) => paccCheck.run(context([], { discovery: discovery(...s) }));

  it('PACC_FOUND, PACC_DIGEST_MISMATCH with both digests, PACC_INVALID with its reason', () => {
    const imap = { protocol: 'imap' as const, type: 'imap', host: 'imap.example.com', port: 993, security: 'tls' as const };
    expect(run(source({ servers: [imap], pacc: facts({ verified: true, submissionKey: 'smtp' }) }))[0]).toMatchObject({ code: 'PACC_FOUND', params: { servers: ['imap.example.com:993/tls'], submissionKey: 'smtp' } });
    const mismatch = run(source({ status: 'invalid', pacc: facts({ problem: 'digest-mismatch', bodyDigest: 'served=', bodyBytes: 10, txt: [{ raw: 'x', usable: true, digest: 'published=' }, { raw: 'v=spf1', usable: false }] }) }));
    expect(mismatch[0]).toMatchObject({ code: 'PACC_DIGEST_MISMATCH', severity: 'error', params: { served: 'served=', published: ['published='], bytes: 10 } });
    expect(run(source({ status: 'invalid', pacc: facts({ problem: 'not-json', detail: 'Unexpected end' }) }))[0]).toMatchObject({ code: 'PACC_INVALID', params: { reason: 'not-json', detail: 'Unexpected end' } });
  });

  it('a TXT record whose document is missing is PACC_INVALID; nothing published says nothing', () => {
    const txt = [{ raw: 'v=UAAC1', usable: true, digest: 'd=' }];
    expect(run(source({ status: 'not-found', httpStatus: 404, pacc: facts({ txt }) }))[0]).toMatchObject({ code: 'PACC_INVALID', params: { reason: 'unreachable', detail: 'HTTP 404' } });
    expect(run(source({ status: 'not-found', pacc: facts({ txtStatus: 'nxdomain' }) }))).toEqual([]);
  });

  it('the obsolete form is a note, and only when present', () => {
    const obsolete = (present: boolean) => source({ source: 'pacc-obsolete', status: present ? 'found' : 'not-found', paccObsolete: { wellKnownUrl: 'https://example.com/.well-known/pacc.json', wellKnownPresent: false, srvName: '_pacc._https.example.com', srvStatus: 'records', srvTargets: present ? ['pacc.example.com'] : [] } });
    expect(run(obsolete(true))).toEqual([expect.objectContaining({ code: 'PACC_OBSOLETE', severity: 'info', params: { domain: 'example.com', found: ['_pacc._https.example.com SRV → pacc.example.com'] } })]);
    expect(run(obsolete(false))).toEqual([]);
  });
});

describe('the published login method against the server (AUTH_METHOD_NOT_OFFERED)', () => {
  const imap = (auth: string[], sasl?: string[]) => ({ protocol: 'imap' as const, type: 'imap', host: 'imap.example.com', port: 993, security: 'tls' as const, authentication: auth, ...(sasl ? { sasl } : {}) });
  const serverWith = (caps: string[]) => endpoint(candidate(), { addresses: [addressProbe('tls', { capability: { state: 'ok', value: caps, ms: 1 } })] });
  const run = (s: SourceResult, caps: string[]) => publishedAuthCheck.run(context([serverWith(caps)], { discovery: discovery(s) })).map((f) => [f.params.direction, f.params.missing]);
  const autoconfig = (auth: string[], sasl?: string[]) => source({ source: 'autoconfig', query: 'https://autoconfig.example.com/mail/config-v1.1.xml', servers: [imap(auth, sasl)] });

  it('OAuth promised and missing, and the reverse', () => {
    expect(run(autoconfig(['OAuth2', 'password-cleartext']), ['IMAP4rev1', 'AUTH=PLAIN'])).toEqual([['oauth-missing', undefined]]);
    expect(run(autoconfig(['password-cleartext']), ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=OAUTHBEARER'])).toEqual([['oauth-unpublished', undefined]]);
    expect(run(autoconfig(['OAuth2', 'password-cleartext']), ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=XOAUTH2'])).toEqual([]);
  });

  it('a password promised where none works, and SASL mechanisms recommended but absent (autoconfig 1.2)', () => {
    expect(run(autoconfig(['password-cleartext']), ['IMAP4rev1', 'LOGINDISABLED', 'AUTH=OAUTHBEARER'])).toEqual([['oauth-unpublished', undefined], ['password-missing', undefined]]);
    expect(run(autoconfig(['password-cleartext']), ['IMAP4rev1'])).toEqual([]);
    expect(run(autoconfig(['SCRAM-SHA-256-PLUS', 'password-cleartext'], ['SCRAM-SHA-256-PLUS']), ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=SCRAM-SHA-256'])).toEqual([['sasl-missing', ['SCRAM-SHA-256-PLUS']]]);
  });

  it('PACC: oauth-public and password against the server', () => {
    const pacc = source({ servers: [imap([])], pacc: facts({ verified: true, oauthIssuer: 'https://login.example.com', passwordAllowed: true }) });
    expect(run(pacc, ['IMAP4rev1', 'AUTH=PLAIN'])).toEqual([['oauth-missing', undefined]]);
    expect(run(pacc, ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=OAUTHBEARER'])).toEqual([]);
  });
});

describe('the OAuth check', () => {
  const oauthServer = () => endpoint(candidate(), { addresses: [addressProbe('tls', { capability: { state: 'ok', value: ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=OAUTHBEARER'], ms: 1 } })] });
  const issuer = (over: Partial<OAuthIssuerEvidence> = {}): OAuthIssuerEvidence => ({
    issuer: 'https://login.example.com',
    from: ['autoconfig'],
    namedBy: ['autoconfig'],
    fetches: [{ kind: 'rfc8414', url: 'https://login.example.com/.well-known/oauth-authorization-server', ms: 1, httpStatus: 200 }],
    metadata: { issuer: 'https://login.example.com', authorizationEndpoint: 'https://login.example.com/a', tokenEndpoint: 'https://login.example.com/t' },
    metadataFrom: 'rfc8414',
    ...over,
  });
  const run = (d: DiscoveryEvidence | null, credentials: 'password' | 'oauth' | null = null, e = oauthServer()) => oauthCheck.run(context([e], { discovery: d, credentials }));

  it('OAUTH_TOKEN_HOWTO from usable metadata; nothing when a token was given', () => {
    const d = { ...discovery(), oauthIssuers: [issuer()] };
    expect(run(d)[0]).toMatchObject({ code: 'OAUTH_TOKEN_HOWTO', params: { issuer: 'https://login.example.com', tokenEndpoint: 'https://login.example.com/t', metadataUrl: 'https://login.example.com/.well-known/oauth-authorization-server' } });
    expect(run(d, 'oauth')).toEqual([]);
  });

  it('OAUTH_METADATA_INVALID lists each fetch\'s problem', () => {
    const bad = issuer({ metadata: undefined, metadataFrom: undefined, fetches: [{ kind: 'rfc8414', url: 'https://login.example.com/.well-known/oauth-authorization-server', ms: 1, httpStatus: 301, location: 'https://x.example.net/', problem: 'redirect' }, { kind: 'oidc', url: 'https://login.example.com/.well-known/openid-configuration', ms: 1, httpStatus: 404, problem: 'http-error' }] });
    const f = run({ ...discovery(), oauthIssuers: [bad] })[0];
    expect(f?.code).toBe('OAUTH_METADATA_INVALID');
    expect(f?.params).toMatchObject({
      problemUrls: ['https://login.example.com/.well-known/oauth-authorization-server', 'https://login.example.com/.well-known/openid-configuration'],
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
    expect(run(discovery())[0]).toMatchObject({ code: 'OAUTH_ISSUER_UNKNOWN', params: { mechanisms: ['OAUTHBEARER'], probed: false } });
    // A password was given (refused or not): its own findings speak; no extra note about tokens.
    expect(run(discovery(), 'password')).toEqual([]);
    const probed = { ...oauthServer(), oauthProbe: { address: '192.0.2.10', ms: 1, response: { status: 'NO' as const, text: 'Authentication failed.', line: 'o1 NO Authentication failed.' } } };
    expect(run(null, null, probed)[0]).toMatchObject({ code: 'OAUTH_ISSUER_UNKNOWN', params: { probed: true, status: 'NO' } });
  });

  it('a --oauth-discover probe imap-doctor crashed in is INTERNAL_ERROR, and no evidence that the server names no issuer', () => {
    const crashed = { ...oauthServer(), oauthProbe: { address: '192.0.2.10', ms: 1, error: { code: 'INTERNAL' as const, message: '--oauth-discover: TypeError: boom' } } };
    expect(run(null, null, crashed)).toEqual([]);
    const bugs = internalEvidenceCheck.run(context([crashed]));
    expect(bugs.map((f) => [f.code, f.params.step, f.params.endpoint, f.params.error])).toEqual([['INTERNAL_ERROR', 'oauth-discover', crashed.id, '--oauth-discover: TypeError: boom']]);
    expect(renderEntry('INTERNAL_ERROR', bugs[0]?.params ?? {}, {}).title).toBe(`imap-doctor hit an internal error in --oauth-discover on ${crashed.id}`);
  });
});
