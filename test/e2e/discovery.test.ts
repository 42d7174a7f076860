/**
 * Discovery end to end: the real CLI with only an address, `--dns` pointing at a loopback DNS server
 * and `--ispdb-url` at a loopback HTTPS server (127.77.x.y:443/80, certificate by the lab CA), and the
 * lab's Dovecot as the mail server. The server is found through each source on its own; sources that
 * disagree, a domain that does not exist, a failing or dead resolver, HTTP-only and malformed settings,
 * an SRV target in a foreign domain and POP3-only providers each end with their code; no scenario sends
 * the password to an unverified host, and every JSON report matches the schema.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { startDnsServer, type DnsTestServer, type Zone } from '../servers/dns-server.js';
import {
  autoconfigXml,
  autodiscoverXml,
  startHttpsServer,
  type HttpsTestServer,
  type Route,
} from '../servers/https-server.js';
import { labOrSkip } from '../servers/require.js';
import { codes, expectExit, firstError, registerSecret, ROOT, runCli, secretForms, type CliRun } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (discovery e2e)');
const T = 1500;
const D = 'example.test';
const AUTOCONFIG = '/mail/config-v1.1.xml';
const WELLKNOWN = '/.well-known/autoconfig/mail/config-v1.1.xml';
const AUTODISCOVER = '/autodiscover/autodiscover.xml';
const ISPDB_DIR = path.resolve(ROOT, '../shared/fixtures/ispdb');

/** A loopback TCP port nobody listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe.skipIf(!lab)('discovery from the address alone (CLI, loopback DNS/HTTPS, lab Dovecot)', () => {
  if (!lab) return;
  const good = lab.hosts.good;
  let dns: DnsTestServer;
  let web: HttpsTestServer;
  registerSecret(...secretForms(lab.password, lab.users.alice), ...secretForms(lab.password, `alice@other.test`));

  beforeAll(async () => {
    web = await startHttpsServer({
      ca: { crt: lab.certs.ca.crt, key: lab.certs.ca.key },
      names: [
        D,
        `autoconfig.${D}`,
        `autodiscover.${D}`,
        `ad.${D}`,
        'ispdb.test',
        'other.test',
        'autoconfig.other.test',
      ],
    });
    dns = await startDnsServer();
  });
  afterAll(async () => {
    await web?.close();
    await dns?.close();
  });
  beforeEach(() => {
    dns.reset();
    web.routes = [];
    web.clearLog();
  });

  /** The mail hosts of the lab, the ISPDB host, and whatever the scenario adds. */
  const zone = (extra: Zone = {}): Zone => ({
    [D]: {},
    [`imap.${D}`]: { A: [good] },
    [`mail.${D}`]: { A: [good] },
    'ispdb.test': { A: [web.ip] },
    ...extra,
  });
  const args = (address: string, ...more: string[]) => [
    address,
    '--dns',
    dns.address,
    '--ispdb-url',
    'https://ispdb.test/v1.1/',
    '--ca-file',
    lab.certs.ca.crt,
    '--timeout',
    String(T),
    ...more,
  ];
  const json = async (a: string[], env: Record<string, string> = { IMAP_DOCTOR_PASSWORD: lab.password }) => {
    const r = await runCli([...a, '--json'], { env });
    expect(schemaErrors(r.json), 'report matches docs/report.schema.json').toBeNull();
    expect(codes(r.json as Report), 'no internal error').not.toContain('INTERNAL_ERROR');
    return r as CliRun & { json: Report };
  };
  const alice = () => args(lab.users.alice);
  const source = (r: Report, id: string) => r.discovery?.sources.find((s) => s.source === id);
  /** No password may go to an endpoint whose candidate is unverified and not allowed by the user. */
  const noPasswordToUnverified = (r: Report) => {
    for (const e of r.endpoints)
      if (e.trust === 'unverified' && e.login.state === 'attempted') expect.fail(`password sent to unverified ${e.id}`);
  };

  const config = (host: string, port = 993, socket = 'SSL') => autoconfigXml(D, [['imap', host, port, socket]]);
  const perSource: Array<[string, string, (ip: string) => Zone, Route[]]> = [
    [
      'SRV _imaps',
      'srv-imaps',
      () => ({ [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${D}` }] } }),
      [],
    ],
    [
      'autoconfig over HTTPS',
      'autoconfig',
      (ip) => ({ [`autoconfig.${D}`]: { A: [ip] } }),
      [{ scheme: 'https', host: `autoconfig.${D}`, path: AUTOCONFIG, body: config(`imap.${D}`) }],
    ],
    [
      '.well-known autoconfig',
      'autoconfig-wellknown',
      (ip) => ({ [D]: { A: [ip] } }),
      [{ scheme: 'https', host: D, path: WELLKNOWN, body: config(`imap.${D}`) }],
    ],
    ['the ISPDB', 'ispdb', () => ({}), [{ host: 'ispdb.test', path: `/v1.1/${D}`, body: config(`imap.${D}`) }]],
    [
      "MX → the provider's ISPDB entry",
      'mx-ispdb',
      () => ({ [D]: { MX: [{ preference: 10, exchange: 'mx1.hoster.test' }] } }),
      [{ host: 'ispdb.test', path: '/v1.1/hoster.test', body: config(`imap.${D}`) }],
    ],
    [
      'Autodiscover',
      'autodiscover',
      (ip) => ({ [`autodiscover.${D}`]: { A: [ip] } }),
      [
        {
          host: `autodiscover.${D}`,
          path: AUTODISCOVER,
          method: 'POST',
          body: (q) => autodiscoverXml(`imap.${D}`, 993, 'on', /<EMailAddress>([^<]*)</.exec(q.body)?.[1] ?? ''),
        },
      ],
    ],
    [
      'Autodiscover SRV',
      'autodiscover-srv',
      (ip) => ({
        [`_autodiscover._tcp.${D}`]: { SRV: [{ priority: 0, weight: 0, port: 443, target: `ad.${D}` }] },
        [`ad.${D}`]: { A: [ip] },
      }),
      [
        {
          host: `ad.${D}`,
          path: AUTODISCOVER,
          method: 'POST',
          body: autodiscoverXml(`imap.${D}`, 993, 'on', '%EMAILADDRESS%'),
        },
      ],
    ],
    ['the guesses', 'guess', () => ({}), []],
  ];
  for (const [label, id, extra, routes] of perSource) {
    it(`finds and verifies the server through ${label} alone`, async () => {
      dns.zone = zone(extra(web.ip));
      web.routes = routes;
      const r = await json(alice());
      expectExit(r, 0);
      expect(r.json.verdict.working).toEqual({
        host: `imap.${D}`,
        port: 993,
        security: 'tls',
        username: lab.users.alice,
        loginVerified: true,
      });
      const winner = r.json.endpoints.find((e) => e.working);
      expect(winner?.sources.map((s) => s.source)).toContain(id);
      expect(source(r.json, id)?.status).toBe('found');
      // Every source's outcome is in the report, with its query and timing.
      expect(r.json.discovery?.sources).toHaveLength(20);
      for (const s of r.json.discovery?.sources ?? []) {
        expect(s.query.length).toBeGreaterThan(0);
        expect(s.ms).toBeGreaterThanOrEqual(0);
      }
      const found = r.json.discovery?.sources
        .filter((s) => s.status === 'found' && s.source !== 'mx')
        .map((s) => s.source);
      expect(found).toEqual(id === 'mx-ispdb' ? ['mx-ispdb'] : [id]);
      // Privacy by default: the address was sent to no web server.
      expect(web.requests.some((q) => q.query.includes('emailaddress') || q.body.includes(lab.users.alice))).toBe(
        false,
      );
      noPasswordToUnverified(r.json);
    });
  }

  it('SRV and autoconfig disagree: both reported, the broken SRV target named with the record to publish', async () => {
    dns.zone = zone({
      [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: await deadPort(), target: `mail.${D}` }] },
      [`autoconfig.${D}`]: { A: [web.ip] },
    });
    // DNSSEC-signed: an unsigned SRV record may name only the IMAP ports (it could steer the probe).
    dns.set({ ad: true }, `_imaps._tcp.${D}`);
    web.routes = [{ host: `autoconfig.${D}`, path: AUTOCONFIG, body: config(`imap.${D}`) }];
    const r = await json(alice());
    expect(r.json.verdict.working?.host).toBe(`imap.${D}`);
    const disagree = r.json.findings.find((f) => f.code === 'SOURCES_DISAGREE');
    expect(disagree?.severity).toBe('warning');
    expect(disagree?.explanation).toContain(`_imaps._tcp.${D} SRV → mail.${D}`);
    expect(disagree?.explanation).toContain(`https://autoconfig.${D}${AUTOCONFIG} → imap.${D}:993 (SSL/TLS)`);
    const broken = r.json.findings.find((f) => f.code === 'SRV_TARGET_BROKEN');
    expect(broken?.params).toMatchObject({ reason: 'port-fails', target: `mail.${D}`, working: `imap.${D}:993/tls` });
    expect(broken?.fix.join(' ')).toContain(`_imaps._tcp.${D}. 3600 IN SRV 0 1 993 imap.${D}.`);
  });

  it('a published autoconfig file that fails while SRV works: PUBLISHED_SETTINGS_WRONG names the file and the value', async () => {
    dns.zone = zone({
      [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${D}` }] },
      [`autoconfig.${D}`]: { A: [web.ip] },
    });
    web.routes = [{ host: `autoconfig.${D}`, path: AUTOCONFIG, body: config(`mail.${D}`, 143, 'SSL') }];
    const r = await json(alice());
    expect(r.json.verdict.working).toMatchObject({ host: `imap.${D}`, port: 993 });
    const wrong = r.json.findings.find((f) => f.code === 'PUBLISHED_SETTINGS_WRONG');
    expect(wrong?.params).toMatchObject({ failing: `mail.${D}:143/tls`, working: `imap.${D}:993/tls` });
    expect(wrong?.fix.join(' ')).toContain(
      `in https://autoconfig.${D}${AUTOCONFIG} write <hostname>imap.${D}</hostname>, <port>993</port>, <socketType>SSL</socketType>`,
    );
    expect(codes(r.json)).toContain('SOURCES_DISAGREE');
  });

  it('NXDOMAIN, SERVFAIL and a dead resolver are told apart, never reported as "nothing published"', async () => {
    dns.zone = {};
    const nx = await json(alice());
    expectExit(nx, 1);
    expect(firstError(nx.json)).toBe('DNS_NXDOMAIN');

    dns.zone = zone();
    dns.set({ rcode: 'SERVFAIL' });
    const sf = await json(alice());
    expect(firstError(sf.json)).toBe('DNS_SERVFAIL');
    expect(sf.json.discovery?.resolverWorking).toBe(false);

    const dead = await json([
      lab.users.alice,
      '--dns',
      `127.0.0.1:${await deadPort()}`,
      '--ca-file',
      lab.certs.ca.crt,
      '--timeout',
      String(T),
    ]);
    expect(firstError(dead.json)).toBe('DNS_UNREACHABLE');
    for (const r of [nx, sf, dead]) expect(codes(r.json)).not.toContain('DISCOVERY_NOTHING_FOUND');
  });

  it('a resolver that drops everything: DNS_TIMEOUT in about one lookup plus one probe timeout', async () => {
    dns.zone = zone();
    dns.set({ drop: true });
    const r = await json(alice());
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('DNS_TIMEOUT');
    expect(codes(r.json)).not.toContain('DISCOVERY_NOTHING_FOUND');
    // Bounded waiting is the behaviour under test: 14 sources one after another would take 14 × T.
    expect(r.json.durationMs).toBeLessThan(4 * T);
  });

  it('HTTP-only autoconfig is flagged; inside the domain it is still used', async () => {
    dns.zone = zone({ [`autoconfig.${D}`]: { A: [web.ip] } });
    web.routes = [{ scheme: 'http', host: `autoconfig.${D}`, path: AUTOCONFIG, body: config(`imap.${D}`) }];
    const r = await json(alice());
    expectExit(r, 0);
    expect(r.json.findings.find((f) => f.code === 'AUTOCONFIG_INSECURE_HTTP')?.severity).toBe('warning');
    expect(r.json.candidates[0]).toMatchObject({ host: `imap.${D}`, provenance: 'insecure', trust: 'trusted' });
  });

  it('HTTP-only autoconfig naming a host outside the domain: probed, no password, HOST_OUTSIDE_DOMAIN', async () => {
    dns.zone = zone({ 'other.test': {}, 'autoconfig.other.test': { A: [web.ip] } });
    web.routes = [
      {
        scheme: 'http',
        host: 'autoconfig.other.test',
        path: AUTOCONFIG,
        body: autoconfigXml('other.test', [['imap', `imap.${D}`, 993, 'SSL']]),
      },
    ];
    const r = await json(args('alice@other.test'));
    expect(codes(r.json)).toEqual(expect.arrayContaining(['AUTOCONFIG_INSECURE_HTTP', 'HOST_OUTSIDE_DOMAIN']));
    const e = r.json.endpoints.find((x) => x.host === `imap.${D}` && x.port === 993);
    expect(e?.trust).toBe('unverified');
    expect(e?.login).toEqual({ state: 'withheld', reason: 'untrusted-host' });
    noPasswordToUnverified(r.json);
  });

  it('an SRV target in a foreign domain is probed but gets no password, unless --trust-host names it', async () => {
    dns.zone = zone({
      'other.test': {},
      '_imaps._tcp.other.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${D}` }] },
    });
    const r = await json(args('alice@other.test'));
    expectExit(r, 1);
    const e = r.json.endpoints[0];
    expect(e).toMatchObject({ host: `imap.${D}`, port: 993, trust: 'unverified' });
    expect(e?.addresses[0]?.tls?.chainVerified).toBe(true);
    expect(e?.login).toEqual({ state: 'withheld', reason: 'untrusted-host' });
    expect(r.json.findings.find((f) => f.code === 'SRV_TARGET_OUTSIDE_DOMAIN')?.severity).toBe('warning');
    noPasswordToUnverified(r.json);

    const allowed = await json(args('alice@other.test', '--trust-host', `imap.${D}`, '--user', lab.users.alice));
    expectExit(allowed, 0);
    expect(allowed.json.endpoints[0]?.login).toMatchObject({ state: 'attempted', ok: true });
  });

  it('streaming: a source that answers late still appears, its candidate probed, while the early one was probed before it answered', async () => {
    dns.zone = zone({
      [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${D}` }] },
      [`autoconfig.${D}`]: { A: [web.ip] },
    });
    web.routes = [
      { scheme: 'https', host: `autoconfig.${D}`, path: AUTOCONFIG, body: config(`mail.${D}`), delayMs: 800 },
    ];
    // A step long enough for the delayed answer on a loaded machine: the point is the order, not the time.
    const r = await json(alice().map((a) => (a === String(T) ? '5000' : a)));
    expectExit(r, 0);
    const late = source(r.json, 'autoconfig');
    expect(late?.status).toBe('found');
    const lateEndpoint = r.json.endpoints.find((e) => e.id === `mail.${D}:993/tls`);
    expect(lateEndpoint?.sources.map((s) => s.source)).toEqual(['autoconfig']);
    expect(lateEndpoint?.addresses[0]?.stages.find((s) => s.stage === 'tcp')?.state).toBe('ok');
    // The SRV candidate went to probing before the autoconfig server had answered.
    const early = r.json.endpoints.find((e) => e.id === `imap.${D}:993/tls`);
    const answeredAt = (r.json.discovery?.at ?? 0) + (late?.ms ?? 0);
    expect(early?.resolve.at).toBeLessThan(answeredAt);
    // The ranking is the final one: autoconfig (Thunderbird's first source) before SRV.
    expect(r.json.endpoints.map((e) => e.id).slice(0, 2)).toEqual([`mail.${D}:993/tls`, `imap.${D}:993/tls`]);
  });

  it('streaming: the login waits for trust to settle — an unverified SRV target probed early gets the password once a late HTTPS source vouches for it', async () => {
    dns.zone = zone({
      'other.test': {},
      '_imaps._tcp.other.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${D}` }] },
      'autoconfig.other.test': { A: [web.ip] },
    });
    web.routes = [
      {
        scheme: 'https',
        host: 'autoconfig.other.test',
        path: AUTOCONFIG,
        body: autoconfigXml('other.test', [['imap', `imap.${D}`, 993, 'SSL']]),
        delayMs: 800,
      },
    ];
    const r = await json(
      args('alice@other.test', '--user', lab.users.alice).map((a) => (a === String(T) ? '5000' : a)),
    );
    expectExit(r, 0);
    const e = r.json.endpoints.find((x) => x.id === `imap.${D}:993/tls`);
    // Probed on the SRV answer alone (still unverified then) …
    const answeredAt = (r.json.discovery?.at ?? 0) + (source(r.json, 'autoconfig')?.ms ?? 0);
    expect(e?.resolve.at).toBeLessThan(answeredAt);
    // … and judged on the final list: trusted through HTTPS from the domain, one login, which worked.
    expect(e?.sources.map((s) => s.source).sort()).toEqual(['autoconfig', 'srv-imaps']);
    expect(e?.trust).toBe('trusted');
    expect(e?.login).toMatchObject({ state: 'attempted', ok: true });
    expect(r.json.endpoints.filter((x) => x.login.state === 'attempted')).toHaveLength(1);
    noPasswordToUnverified(r.json);
  });

  it("one lookup per name: discovery, the probe and DANE share the SRV target's A question; an additional section answers the probe outright", async () => {
    dns.zone = zone({ [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${D}` }] } });
    // Every question of the run carries DO (dns/query.ts RUN_DNSSEC): DANE's DNSSEC check of the
    // host's addresses is the same question as the probe's, asked once.
    const asked = (type: string) => dns.queries.filter((q) => q.name === `imap.${D}` && q.type === type).length;
    const shared = await json(alice());
    expectExit(shared, 0);
    expect(asked('A')).toBe(1);
    expect(asked('AAAA')).toBe(1);

    dns.reset();
    dns.set({ additional: true });
    const glued = await json(alice());
    expectExit(glued, 0);
    expect(glued.json.endpoints.find((e) => e.id === `imap.${D}:993/tls`)?.resolve).toMatchObject({
      state: 'ok',
      a: 'records',
    });
    // The probe takes the address from the additional section without asking (test/integration/dns/dnssec.test.ts
    // shows it); DANE, which needs the AD bit that section does not carry (RFC 4035 §3.2.3), asks once, beside it.
    expect(asked('A')).toBe(1);
    // No AAAA in the additional section: that one is still asked, once.
    expect(asked('AAAA')).toBe(1);
  });

  const malformed: Array<[string, Route, string]> = [
    [
      'an HTML page',
      {
        host: `autoconfig.${D}`,
        path: AUTOCONFIG,
        contentType: 'text/html',
        body: '<html><head><title>Login</title></head><body>Sign in</body></html>',
      },
      'html',
    ],
    [
      'a truncated file',
      {
        host: `autoconfig.${D}`,
        path: AUTOCONFIG,
        body: autoconfigXml(D, [['imap', `imap.${D}`, 993, 'SSL']]).slice(0, 250),
      },
      'not-xml',
    ],
    [
      'a DOCTYPE',
      {
        host: `autoconfig.${D}`,
        path: AUTOCONFIG,
        body: '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<clientConfig>&lol;</clientConfig>',
      },
      'doctype',
    ],
    ['a huge body', { host: `autoconfig.${D}`, path: AUTOCONFIG, bytes: 20 * 1024 * 1024 }, 'too-large'],
  ];
  for (const [label, route, reason] of malformed) {
    it(`malformed autoconfig (${label}) is reported as AUTOCONFIG_INVALID, never a crash`, async () => {
      dns.zone = zone({ [`autoconfig.${D}`]: { A: [web.ip] } });
      web.routes = [route];
      const r = await json(alice());
      expect(r.code).not.toBe(3);
      expect(source(r.json, 'autoconfig')).toMatchObject({ status: 'invalid', invalid: { reason } });
      const f = r.json.findings.find((x) => x.code === 'AUTOCONFIG_INVALID');
      expect(f?.params).toMatchObject({ reason, url: `https://autoconfig.${D}${AUTOCONFIG}` });
      expect(f?.severity).toBe('warning');
      // Nothing usable was published, so the guesses found the server.
      expect(r.json.verdict.working?.host).toBe(`imap.${D}`);
    });
  }

  it('an unknown socketType is probed as TLS on 993 and reported', async () => {
    dns.zone = zone({ [`autoconfig.${D}`]: { A: [web.ip] } });
    web.routes = [{ host: `autoconfig.${D}`, path: AUTOCONFIG, body: config(`imap.${D}`, 993, 'TLS') }];
    const r = await json(alice());
    expectExit(r, 0);
    expect(r.json.findings.find((f) => f.code === 'AUTOCONFIG_INVALID')?.params).toMatchObject({
      reason: 'unknown-socket-type',
      value: 'TLS',
      probedAs: 'tls',
      usable: true,
    });
  });

  describe.skipIf(!existsSync(ISPDB_DIR))('with the ISPDB snapshot as the local ISPDB', () => {
    const ispdbRoutes = (): Route[] =>
      readdirSync(ISPDB_DIR)
        .filter((f) => f.endsWith('.xml'))
        .map((f) => ({
          host: 'ispdb.test',
          path: `/v1.1/${f.slice(0, -4)}`,
          body: readFileSync(path.join(ISPDB_DIR, f), 'utf8'),
        }));

    it('a POP3-only provider: PROVIDER_OFFERS_NO_IMAP with its POP3 settings, nothing probed in vain', async () => {
      const pop = readFileSync(path.join(ISPDB_DIR, 'bay.wind.ne.jp.xml'), 'utf8');
      dns.zone = zone();
      web.routes = [{ host: 'ispdb.test', path: `/v1.1/${D}`, body: pop }];
      const r = await json(alice());
      expectExit(r, 1);
      expect(firstError(r.json)).toBe('PROVIDER_OFFERS_NO_IMAP');
      expect(r.json.endpoints).toEqual([]);
      const f = r.json.findings.find((x) => x.code === 'PROVIDER_OFFERS_NO_IMAP');
      expect(f?.params.pop3).toEqual(['bay.wind.ne.jp:110/plain']);
      expect(f?.fix[0]).toContain('server bay.wind.ne.jp, port 110');
      expect(codes(r.json)).not.toContain('DISCOVERY_NOTHING_FOUND');
    });

    // Hosts per brand and region, chosen from the MX (issue #14): never one host for a whole provider.
    const brands: Array<[string, string, string, string | undefined, string | undefined]> = [
      ['WEB.DE (not GMX)', 'mx-ha03.web.de', 'webde', 'imap.web.de', 'web.de'],
      ['AOL (not Yahoo)', 'mx-aol.mail.gm0.yahoodns.net', 'aol', 'imap.aol.com', undefined],
      ['Zoho EU (not zoho.com)', 'mx.zoho.eu', 'zoho-eu', 'imap.zoho.eu', 'zoho.eu'],
      ['Zoho Canada (zohocloud.ca)', 'mx.zohocloud.ca', 'zoho-ca', 'imap.zohocloud.ca', 'zohocloud.ca'],
      [
        'Outlook.com (consumer MX)',
        'hotmail-com.olc.protection.outlook.com',
        'outlook',
        'outlook.office365.com',
        undefined,
      ],
      [
        'Microsoft 365 (tenant MX)',
        'example-test.mail.protection.outlook.com',
        'm365',
        'outlook.office365.com',
        undefined,
      ],
      ['Zoho Saudi Arabia (no server named by any source)', 'mx.zoho.sa', 'zoho-sa', undefined, undefined],
    ];
    it.each(brands)(
      "MX of %s: brand %s… its own server, never another brand's",
      async (_label, mxHost, brand, imap, ispdbFile) => {
        dns.zone = zone({ [D]: { MX: [{ preference: 10, exchange: mxHost }] } });
        web.routes = ispdbRoutes();
        const r = await json([...alice(), '--no-login']);
        expect(r.json.discovery?.provider).toMatchObject({ brand, via: 'mx', evidence: mxHost });
        const mx = source(r.json, 'mx');
        expect(mx?.servers.map((x) => x.host)).toEqual(imap ? [imap] : []);
        const fromMx = r.json.candidates.filter((c) => c.provenance === 'mx').map((c) => c.host);
        if (imap) expect(fromMx).toContain(imap);
        for (const wrong of ['imap.gmx.net', 'imap.mail.yahoo.com', 'imap.zoho.com'].filter((h) => h !== imap))
          expect(fromMx).not.toContain(wrong);
        if (!imap) expect(mx?.facts).toMatchObject({ reason: 'provider-imap-unknown' });
        // The real ISPDB entry of the MX's domain, where one exists, names the same server.
        if (ispdbFile) {
          expect(source(r.json, 'mx-ispdb')).toMatchObject({
            status: 'found',
            query: `https://ispdb.test/v1.1/${ispdbFile}`,
          });
          expect(
            source(r.json, 'mx-ispdb')
              ?.servers.filter((x) => x.protocol === 'imap')
              .map((x) => x.host),
          ).toContain(imap);
        }
        expect(codes(r.json)).toContain('MX_PROVIDER_IDENTIFIED');
      },
    );

    it('MX at a well-known provider: identified, and its ISPDB entry read', async () => {
      dns.zone = zone({ [D]: { MX: [{ preference: 10, exchange: 'mx00.gmx.net' }] } });
      web.routes = ispdbRoutes();
      const r = await json([...alice(), '--no-login']);
      expect(r.json.discovery?.provider).toMatchObject({
        id: 'gmx',
        brand: 'gmx-net',
        name: 'GMX (gmx.net)',
        via: 'mx',
        evidence: 'mx00.gmx.net',
      });
      expect(codes(r.json)).toEqual(expect.arrayContaining(['MX_PROVIDER_IDENTIFIED', 'ISPDB_FOUND']));
      expect(source(r.json, 'mx-ispdb')).toMatchObject({ status: 'found', query: 'https://ispdb.test/v1.1/gmx.net' });
      expect(r.json.candidates[0]).toMatchObject({
        host: 'imap.gmx.net',
        port: 993,
        provenance: 'mx',
        trust: 'trusted',
      });
    });
  });
});
