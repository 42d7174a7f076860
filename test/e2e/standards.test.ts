/**
 * The newest standards end to end, the real CLI against real servers: a DNSSEC-signed zone served by
 * nsd and validated by unbound (with unsigned zones and broken signatures beside it), the HTTPS test
 * server for PACC, autoconfig via the MX and OAuth metadata, and the lab's Dovecot (plus one with an
 * oauth2 passdb). DANE_OK/MISMATCH/NOT_VALIDATED and DNSSEC_BOGUS; PACC found, mismatched, invalid
 * and obsolete; autoconfig found through a validated and an unvalidated MX; AUTH_METHOD_NOT_OFFERED;
 * OAuth issuers from PACC and from the server's own error (--oauth-discover).
 */
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { paccDigest } from '../../src/discovery/parse-pacc.js';
import { startDnssecLab, type DnssecLab, type DnssecZone } from '../servers/dnssec.js';
import { startOAuthDovecot, type OAuthDovecot } from '../servers/dovecot-oauth.js';
import { autoconfigXml, startHttpsServer, type HttpsTestServer } from '../servers/https-server.js';
import { dnssecAvailable, labOrSkip } from '../servers/require.js';
import { codes, expectExit, registerSecret, runCli, secretForms, type CliRun } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (standards e2e)');
const dnssec = lab !== null && dnssecAvailable('DNSSEC lab (standards e2e)');
const T = 1500;
const PACC_PATH = '/.well-known/user-agent-configuration.json';

/** SHA-256 of a certificate's SubjectPublicKeyInfo, hex: the data of a "x 1 1" TLSA record. */
function spkiSha256(pemFile: string): string {
  const der = new X509Certificate(readFileSync(pemFile)).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

export function paccDocument(o: { imap: string; submit?: string; issuer?: string; name?: string }): string {
  const doc = {
    protocols: { imap: { host: o.imap }, ...(o.submit ? { submit: { host: o.submit } } : {}) },
    authentication: { password: true, ...(o.issuer ? { 'oauth-public': { issuer: o.issuer } } : {}) },
    info: { provider: { name: o.name ?? 'Example Mail' } },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const digestOf = (body: string) => paccDigest(Buffer.from(body, 'utf8'));

describe.skipIf(!lab || !dnssec)('DANE, PACC and autoconfig via the MX (nsd + unbound, HTTPS, Dovecot)', () => {
  if (!lab) return;
  registerSecret(...secretForms(lab.password, lab.users.alice));
  const good = lab.hosts.good;
  const leaf = spkiSha256(lab.certs.good.crt);
  const ca = spkiSha256(lab.certs.ca.crt);
  const pacc = paccDocument({ imap: 'imap.example.test', submit: 'smtp.example.test' });
  const paccBad = paccDocument({ imap: 'imap.example.test', name: 'changed after the digest was published' });
  let web: HttpsTestServer;
  let dns: DnssecLab;

  beforeAll(async () => {
    web = await startHttpsServer({
      ca: { crt: lab.certs.ca.crt, key: lab.certs.ca.key },
      names: [
        'ua-auto-config.example.test',
        'ua-auto-config.bad.test',
        'bad.test',
        'ua-auto-config.nodigest.test',
        'autoconfig.eu.hoster.test',
        'ispdb.test',
      ],
    });
    const zones: DnssecZone[] = [
      {
        origin: 'example.test',
        signing: 'signed',
        records: [
          `@ IN A ${good}`,
          `imap IN A ${good}`,
          `mail IN A ${good}`,
          `_993._tcp.imap IN TLSA 3 1 1 ${leaf}`,
          `_993._tcp.imap IN TLSA 2 1 1 ${ca}`,
          `_143._tcp.imap IN TLSA 3 1 1 ${leaf}`,
          `_993._tcp.mail IN TLSA 3 1 1 ${'ab'.repeat(32)}`,
          `_993._tcp IN TLSA 3 1 1 ${leaf}`,
          `ua-auto-config IN A ${web.ip}`,
          // Rollover: the old digest and the new one split over two strings; either may match.
          `_ua-auto-config IN TXT "v=UAAC1; a=sha256; d=${digestOf('an older document\n')}"`,
          `_ua-auto-config IN TXT "v=UAAC1; a=sha256; " "d=${digestOf(pacc)}"`,
        ],
        corrupt: [{ name: '_993._tcp.example.test', type: 'TLSA' }],
      },
      { origin: 'secure.test', signing: 'signed', records: ['@ IN MX 10 mx.eu.hoster.test.'] },
      { origin: 'hosted.test', signing: 'unsigned', records: ['@ IN MX 10 mx.eu.hoster.test.'] },
      { origin: 'hoster.test', signing: 'unsigned', records: [`mx.eu IN A ${good}`, `autoconfig.eu IN A ${web.ip}`] },
      {
        origin: 'plain.test',
        signing: 'unsigned',
        records: [
          `imap IN A ${good}`,
          `_993._tcp.imap IN TLSA 3 1 1 ${leaf}`,
          '_imaps._tcp IN SRV 0 1 993 imap.example.test.',
        ],
      },
      {
        origin: 'bad.test',
        signing: 'unsigned',
        records: [
          `@ IN A ${web.ip}`,
          `ua-auto-config IN A ${web.ip}`,
          `_ua-auto-config IN TXT "v=UAAC1; a=sha256; d=${digestOf(pacc)}"`,
        ],
      },
      { origin: 'nodigest.test', signing: 'unsigned', records: [`ua-auto-config IN A ${web.ip}`] },
      { origin: 'ispdb.test', signing: 'unsigned', records: [`@ IN A ${web.ip}`] },
      { origin: 'wrong.test', signing: 'wrong-anchor', records: [`imap IN A ${good}`] },
    ];
    dns = await startDnssecLab(zones);
    web.routes = [
      {
        scheme: 'https',
        host: 'ua-auto-config.example.test',
        path: PACC_PATH,
        contentType: 'application/json',
        body: pacc,
      },
      {
        scheme: 'https',
        host: 'ua-auto-config.bad.test',
        path: PACC_PATH,
        contentType: 'application/json',
        body: paccBad,
      },
      {
        scheme: 'https',
        host: 'bad.test',
        path: '/.well-known/pacc.json',
        contentType: 'application/json',
        body: '{"imap":{"host":"imap.example.test"}}',
      },
      {
        scheme: 'https',
        host: 'ua-auto-config.nodigest.test',
        path: PACC_PATH,
        contentType: 'application/json',
        body: pacc,
      },
      {
        scheme: 'https',
        host: 'autoconfig.eu.hoster.test',
        path: '/mail/config-v1.1.xml',
        body: autoconfigXml('hoster.test', [['imap', 'imap.example.test', 993, 'SSL']]).replace(
          '<authentication>password-cleartext</authentication>',
          '<authentication>OAuth2</authentication><authentication>password-cleartext</authentication>',
        ),
      },
    ];
  });
  afterAll(async () => {
    await dns?.stop();
    await web?.close();
  });

  const args = (address: string, ...more: string[]) => [
    address,
    '--dns',
    dns.resolver,
    '--ispdb-url',
    'https://ispdb.test/v1.1/',
    '--ca-file',
    lab.certs.ca.crt,
    '--timeout',
    String(T),
    ...more,
  ];
  const json = async (
    a: string[],
    env: Record<string, string> = { IMAP_DOCTOR_PASSWORD: lab.password },
  ): Promise<CliRun & { json: Report }> => {
    const r = await runCli([...a, '--json'], { env });
    expect(schemaErrors(r.json), 'report matches docs/report.schema.json').toBeNull();
    expect(codes(r.json as Report), 'no internal error').not.toContain('INTERNAL_ERROR');
    return r as CliRun & { json: Report };
  };
  const find = (r: Report, code: string) => r.findings.filter((f) => f.code === code);

  it('DANE: validated TLSA records that match the presented keys on 993 and 143 — DANE_OK, login works', async () => {
    const r = await json(args(lab.users.alice, '--host', 'imap.example.test'));
    expectExit(r, 0);
    const ok = find(r.json, 'DANE_OK');
    expect(ok.map((f) => f.subject.port).sort()).toEqual([143, 993]);
    expect(ok.find((f) => f.subject.port === 993)?.params).toMatchObject({
      name: '_993._tcp.imap.example.test',
      rolloverReady: true,
    });
    const e993 = r.json.endpoints.find((e) => e.port === 993);
    expect(e993?.dane).toMatchObject({ adTrusted: true, tlsa: { status: 'records', ad: true }, address: { ad: true } });
    expect(e993?.addresses[0]?.tls?.chain[0]?.spkiSha256).toBe(leaf);
  });

  it('DANE: a validated TLSA record for another key — DANE_MISMATCH, with both sides shown', async () => {
    const r = await json(args(lab.users.alice, '--host', 'mail.example.test', '--port', '993', '--security', 'tls'));
    expectExit(r, 1);
    const m = find(r.json, 'DANE_MISMATCH')[0];
    expect(m?.severity).toBe('error');
    expect(m?.params.records).toEqual([`3 1 1 ${'ab'.repeat(32)}`]);
    expect(String(m?.params.presented)).toContain(leaf);
  });

  it('DNSSEC_BOGUS: a TLSA record whose signature was corrupted answers SERVFAIL, and with CD it answers', async () => {
    const r = await json(args(lab.users.alice, '--host', 'example.test', '--port', '993', '--security', 'tls'));
    const bogus = find(r.json, 'DNSSEC_BOGUS')[0];
    expect(bogus?.params).toMatchObject({ name: '_993._tcp.example.test', type: 'TLSA' });
    expect(bogus?.severity).toBe('error');
    expect(r.json.endpoints[0]?.dane?.tlsa).toMatchObject({
      status: 'servfail',
      checkingDisabled: { status: 'records', records: 1 },
    });
    expect(codes(r.json)).not.toContain('DANE_OK');
  });

  it('DNSSEC_BOGUS explains a host that does not resolve: its zone is signed with a key the anchor does not vouch for', async () => {
    const r = await json(args(lab.users.alice, '--host', 'imap.wrong.test', '--port', '993', '--security', 'tls'));
    expectExit(r, 1);
    const bogus = find(r.json, 'DNSSEC_BOGUS')[0];
    expect(bogus?.params).toMatchObject({ name: 'imap.wrong.test', type: 'A/AAAA' });
    expect(r.json.findings[0]?.code).toBe('DNSSEC_BOGUS');
    expect(find(r.json, 'DNS_LOOKUP_FAILED')[0]).toMatchObject({ causedBy: 'DNSSEC_BOGUS' });
  });

  it('DANE_NOT_VALIDATED: TLSA in an unsigned zone, and (RFC 7673) a signed target named only by an unsigned SRV', async () => {
    const unsigned = await json(
      args(lab.users.alice, '--host', 'imap.plain.test', '--port', '993', '--security', 'tls'),
    );
    expect(find(unsigned.json, 'DANE_NOT_VALIDATED')[0]?.params).toMatchObject({
      reason: 'no-ad',
      name: '_993._tcp.imap.plain.test',
    });
    const viaSrv = await json(args('alice@plain.test', '--no-login'));
    const e = viaSrv.json.endpoints.find((x) => x.host === 'imap.example.test' && x.port === 993);
    expect(e?.dane?.tlsa.ad).toBe(true);
    expect(
      find(viaSrv.json, 'DANE_NOT_VALIDATED').find((f) => f.subject.host === 'imap.example.test')?.params,
    ).toMatchObject({ reason: 'srv-insecure' });
  });

  it('PACC: a document one TXT record of the set vouches for (rollover, split strings) is found, trusted and used', async () => {
    const r = await json(args(lab.users.alice));
    expectExit(r, 0);
    const s = r.json.discovery?.sources.find((x) => x.source === 'pacc');
    expect(s).toMatchObject({
      status: 'found',
      trust: 'trusted',
      trustReason: 'pacc-digest',
      pacc: { verified: true, txtAuthenticated: true, submissionKey: 'submit', bodyDigest: digestOf(pacc) },
    });
    expect(s?.pacc?.txt).toHaveLength(2);
    expect(s?.servers).toEqual([
      { protocol: 'imap', type: 'imap', host: 'imap.example.test', port: 993, security: 'tls' },
      { protocol: 'smtp', type: 'submit', host: 'smtp.example.test', port: 465, security: 'tls' },
    ]);
    expect(find(r.json, 'PACC_FOUND')[0]?.params).toMatchObject({
      authenticated: true,
      servers: ['imap.example.test:993/tls'],
    });
    expect(r.json.endpoints.find((e) => e.working)?.sources.map((x) => x.source)).toContain('pacc');
  });

  it('PACC_DIGEST_MISMATCH shows both digests and the record to publish; the obsolete pacc.json is only mentioned', async () => {
    const r = await json(args('alice@bad.test', '--no-login'));
    const m = find(r.json, 'PACC_DIGEST_MISMATCH')[0];
    expect(m?.params).toMatchObject({
      served: digestOf(paccBad),
      published: [digestOf(pacc)],
      bytes: Buffer.byteLength(paccBad),
    });
    expect(m?.fix.join(' ')).toContain(
      `_ua-auto-config.bad.test. 3600 IN TXT "v=UAAC1; a=sha256; d=${digestOf(paccBad)}"`,
    );
    expect(r.json.discovery?.sources.find((x) => x.source === 'pacc')?.servers).toEqual([]);
    expect(find(r.json, 'PACC_OBSOLETE')[0]?.params).toMatchObject({
      found: ['https://bad.test/.well-known/pacc.json'],
    });
    expect(
      r.json.endpoints.some((e) => e.sources.some((x) => x.source === 'pacc' || x.source === 'pacc-obsolete')),
    ).toBe(false);
  });

  it('PACC_INVALID: a document without a TXT record is never read', async () => {
    const r = await json(args('alice@nodigest.test', '--no-login'));
    expect(
      find(r.json, 'PACC_INVALID')[0]?.params,
      JSON.stringify(r.json.discovery?.sources.find((x) => x.source === 'pacc')),
    ).toMatchObject({ reason: 'no-txt', served: digestOf(pacc) });
    expect(r.json.discovery?.sources.find((x) => x.source === 'pacc')).toMatchObject({
      status: 'invalid',
      servers: [],
      trust: 'unverified',
    });
  });

  it('autoconfig via an unvalidated MX: found at autoconfig.<MX minus first label>, unverified, no password without --trust-host', async () => {
    const r = await json(args('alice@hosted.test', '--user', lab.users.alice));
    const s = r.json.discovery?.sources.find((x) => x.source === 'mx-autoconfig');
    expect(s).toMatchObject({
      status: 'found',
      query: 'https://autoconfig.eu.hoster.test/mail/config-v1.1.xml',
      trust: 'unverified',
      trustReason: 'mx-not-dnssec',
    });
    expect(s?.viaMx).toEqual({ mxHost: 'mx.eu.hoster.test', domain: 'eu.hoster.test', kind: 'full', dnssec: false });
    expect(r.json.discovery?.sources.find((x) => x.source === 'mx-autoconfig-base')?.query).toBe(
      'https://autoconfig.hoster.test/mail/config-v1.1.xml',
    );
    const e = r.json.endpoints.find((x) => x.host === 'imap.example.test' && x.port === 993);
    expect(e?.login).toEqual({ state: 'withheld', reason: 'untrusted-host' });
    expect(find(r.json, 'HOST_OUTSIDE_DOMAIN')[0]?.params).toMatchObject({ reason: 'mx-not-dnssec' });
    const allowed = await json(
      args('alice@hosted.test', '--user', lab.users.alice, '--trust-host', 'imap.example.test'),
    );
    expect(allowed.json.endpoints.find((x) => x.host === 'imap.example.test' && x.port === 993)?.login).toMatchObject({
      state: 'attempted',
      ok: true,
    });
  });

  it('autoconfig via a DNSSEC-validated MX is trusted; its OAuth2 promise the server does not keep is AUTH_METHOD_NOT_OFFERED', async () => {
    const r = await json(args('alice@secure.test', '--user', lab.users.alice));
    expect(r.json.discovery?.sources.find((x) => x.source === 'mx-autoconfig')).toMatchObject({
      status: 'found',
      trust: 'trusted',
      viaMx: { dnssec: true },
    });
    expect(r.json.endpoints.find((x) => x.host === 'imap.example.test' && x.port === 993)?.login).toMatchObject({
      state: 'attempted',
      ok: true,
    });
    const a = find(r.json, 'AUTH_METHOD_NOT_OFFERED')[0];
    expect(a?.params).toMatchObject({ direction: 'oauth-missing', published: ['OAuth2', 'password-cleartext'] });
    expect(a?.severity).toBe('warning');
  });
});

describe.skipIf(!lab || !dnssec)(
  "OAuth: issuer metadata, the server's own error (--oauth-discover), the reverse mismatch",
  () => {
    if (!lab) return;
    registerSecret(...secretForms(lab.password, lab.users.alice));
    let web: HttpsTestServer;
    let dns: DnssecLab;
    let dovecot: OAuthDovecot;
    const issuer = 'https://login.example.test';
    const metadata = (iss: string) =>
      JSON.stringify({
        issuer: iss,
        authorization_endpoint: `${iss}/authorize`,
        token_endpoint: `${iss}/token`,
        registration_endpoint: `${iss}/register`,
        scopes_supported: ['urn:ietf:params:oauth:scope:mail'],
      });
    const pacc = paccDocument({ imap: 'imap.example.test', issuer });
    const paccRedirected = paccDocument({ imap: 'imap.example.test', issuer: 'https://sso.example.test' });

    beforeAll(async () => {
      web = await startHttpsServer({
        ca: { crt: lab.certs.ca.crt, key: lab.certs.ca.key },
        names: [
          'ua-auto-config.example.test',
          'login.example.test',
          'sso.example.test',
          'ua-auto-config.redirect.test',
          'autoconfig.pw.test',
        ],
      });
      dovecot = await startOAuthDovecot(lab, {
        introspectionUrl: `http://${web.ip}/introspect`,
        openidConfigurationUrl: `${issuer}/.well-known/openid-configuration`,
      });
      dns = await startDnssecLab([
        {
          origin: 'example.test',
          signing: 'signed',
          records: [
            `imap IN A ${dovecot.ip}`,
            `ua-auto-config IN A ${web.ip}`,
            `login IN A ${web.ip}`,
            `sso IN A ${web.ip}`,
            `_ua-auto-config IN TXT "v=UAAC1; a=sha256; d=${digestOf(pacc)}"`,
          ],
        },
        {
          origin: 'redirect.test',
          signing: 'unsigned',
          records: [
            `ua-auto-config IN A ${web.ip}`,
            `_ua-auto-config IN TXT "v=UAAC1; a=sha256; d=${digestOf(paccRedirected)}"`,
          ],
        },
        { origin: 'pw.test', signing: 'unsigned', records: [`autoconfig IN A ${web.ip}`] },
      ]);
      web.routes = [
        {
          scheme: 'https',
          host: 'ua-auto-config.example.test',
          path: PACC_PATH,
          contentType: 'application/json',
          body: pacc,
        },
        {
          scheme: 'https',
          host: 'ua-auto-config.redirect.test',
          path: PACC_PATH,
          contentType: 'application/json',
          body: paccRedirected,
        },
        {
          scheme: 'https',
          host: 'login.example.test',
          path: '/.well-known/oauth-authorization-server',
          contentType: 'application/json',
          body: metadata(issuer),
        },
        {
          scheme: 'https',
          host: 'login.example.test',
          path: '/.well-known/openid-configuration',
          contentType: 'application/json',
          body: metadata(issuer),
        },
        // RFC 8414 metadata behind a redirect is not followed; OpenID discovery then answers, with a wrong issuer.
        {
          scheme: 'https',
          host: 'sso.example.test',
          path: '/.well-known/oauth-authorization-server',
          status: 302,
          headers: { Location: 'https://login.example.test/.well-known/oauth-authorization-server' },
        },
        {
          scheme: 'https',
          host: 'sso.example.test',
          path: '/.well-known/openid-configuration',
          contentType: 'application/json',
          body: metadata(issuer),
        },
        {
          scheme: 'http',
          host: web.ip,
          path: '/introspect',
          method: 'POST',
          contentType: 'application/json',
          body: '{"active":false}',
        },
        {
          scheme: 'https',
          host: 'autoconfig.pw.test',
          path: '/mail/config-v1.1.xml',
          body: autoconfigXml('pw.test', [['imap', 'imap.example.test', 993, 'SSL']]),
        },
      ];
    });
    afterAll(async () => {
      await dns?.stop();
      await dovecot?.stop();
      await web?.close();
    });

    const args = (address: string, ...more: string[]) => [
      address,
      '--dns',
      dns.resolver,
      '--no-ispdb',
      '--ca-file',
      lab.certs.ca.crt,
      '--timeout',
      String(T),
      ...more,
    ];
    const json = async (a: string[]): Promise<CliRun & { json: Report }> => {
      const r = await runCli([...a, '--json'], { env: {} });
      expect(schemaErrors(r.json), 'report matches docs/report.schema.json').toBeNull();
      expect(codes(r.json as Report)).not.toContain('INTERNAL_ERROR');
      return r as CliRun & { json: Report };
    };
    const find = (r: Report, code: string) => r.findings.filter((f) => f.code === code);

    it("the server offers OAuth and no token was given: the PACC issuer's RFC 8414 metadata says how to get one", async () => {
      const r = await json(args(lab.users.alice));
      const howto = find(r.json, 'OAUTH_TOKEN_HOWTO')[0];
      expect(howto?.params).toMatchObject({
        issuer,
        from: ['pacc'],
        authorizationEndpoint: `${issuer}/authorize`,
        tokenEndpoint: `${issuer}/token`,
        metadataUrl: `${issuer}/.well-known/oauth-authorization-server`,
      });
      expect(r.json.discovery?.oauthIssuers?.[0]).toMatchObject({ issuer, metadataFrom: 'rfc8414' });
      const requests = web.requests.filter((q) => q.host === 'login.example.test').map((q) => q.path);
      expect(requests).toContain('/.well-known/oauth-authorization-server');
    });

    it('metadata behind a redirect is not followed; OpenID discovery naming another issuer is refused: OAUTH_METADATA_INVALID', async () => {
      web.clearLog();
      const r = await json(args('alice@redirect.test', '--no-login'));
      const bad = find(r.json, 'OAUTH_METADATA_INVALID')[0];
      expect(bad?.params.issuer).toBe('https://sso.example.test');
      expect(bad?.explanation).toContain(
        'redirect to https://login.example.test/.well-known/oauth-authorization-server (not followed)',
      );
      expect(bad?.params.problemCodes).toContain('issuer-mismatch');
      expect(web.requests.some((q) => q.host === 'login.example.test')).toBe(false);
    });

    it('--oauth-discover: one OAUTHBEARER without a token reads the RFC 7628 error and its openid-configuration; no password is sent there', async () => {
      const r = await runCli(
        [
          ...args(
            lab.users.alice,
            '--host',
            'imap.example.test',
            '--port',
            '993',
            '--security',
            'tls',
            '--oauth-discover',
          ),
          '--json',
        ],
        { env: { IMAP_DOCTOR_PASSWORD: lab.password } },
      );
      const report = r.json as Report;
      const e = report.endpoints[0];
      expect(e?.login).toEqual({ state: 'withheld', reason: 'oauth-discover' });
      expect(e?.oauthProbe?.challenge).toMatchObject({
        status: 'invalid_token',
        'openid-configuration': `${issuer}/.well-known/openid-configuration`,
      });
      expect(e?.oauthProbe?.response?.status).toBe('NO');
      expect(find(report, 'OAUTH_TOKEN_HOWTO')[0]?.params).toMatchObject({
        issuer,
        from: ['sasl-error'],
        tokenEndpoint: `${issuer}/token`,
      });
    });

    it('the reverse mismatch: the file publishes only a password while the server offers OAUTHBEARER', async () => {
      const r = await json(args('alice@pw.test', '--no-login'));
      const a = find(r.json, 'AUTH_METHOD_NOT_OFFERED').find((f) => f.subject.port === 993);
      expect(a?.params).toMatchObject({ direction: 'oauth-unpublished', oauthOffered: ['OAUTHBEARER', 'XOAUTH2'] });
    });
  },
);
