/**
 * The discoverer against real loopback servers: a DNS server the test starts and an HTTPS/HTTP
 * server on 127.77.x.y:443/80 with a throw-away CA. Every source runs and is kept with its query,
 * status, timing and what it found; candidates merge across sources with trust graded; privacy
 * defaults hold (no ?emailaddress=, a stand-in address for Autodiscover). Needs root for port 443.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAddress } from '../../../src/address.js';
import { createPacketResolver } from '../../../src/dns/packet-resolver.js';
import { createDiscoverer, hostLookupFor } from '../../../src/discovery/index.js';
import type { SourceResult } from '../../../src/model/discovery.js';
import { httpDate } from '../../../src/model/reading.js';
import { defaultRunOptions } from '../../../src/options.js';
import type { RunOptions } from '../../../src/options.js';
import { startDnsServer, type DnsTestServer } from '../../servers/dns-server.js';
import { autoconfigXml, autodiscoverXml, startHttpsServer, type HttpsTestServer } from '../../servers/https-server.js';

const root = process.getuid?.() === 0;
if (!root && process.env.IMAP_DOCTOR_REQUIRE_SERVERS === '1')
  throw new Error(
    'discoverer suite requires servers (IMAP_DOCTOR_REQUIRE_SERVERS=1): binding 127.77.x.y:443 needs root',
  );
if (!root) process.stderr.write('SKIPPED discoverer suite: binding 127.77.x.y:443 needs root\n');

const D = 'example.test';
const ADDRESS = parseAddress(`alice@${D}`);
const AUTOCONFIG = '/mail/config-v1.1.xml';
const WELLKNOWN = '/.well-known/autoconfig/mail/config-v1.1.xml';
const AUTODISCOVER = '/autodiscover/autodiscover.xml';

describe.skipIf(!root)('discovery from the address alone (loopback DNS + HTTPS)', () => {
  let dns: DnsTestServer;
  let web: HttpsTestServer;
  let caDir: string;
  let caPem: string;

  beforeAll(async () => {
    caDir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-ca-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-subj',
        '/CN=discovery test CA',
        '-days',
        '7',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign',
      ],
      { cwd: caDir, stdio: 'pipe' },
    );
    caPem = execFileSync('cat', [path.join(caDir, 'ca.crt')]).toString();
    web = await startHttpsServer({
      ca: { crt: path.join(caDir, 'ca.crt'), key: path.join(caDir, 'ca.key') },
      names: [D, `autoconfig.${D}`, `autodiscover.${D}`, 'ispdb.test', 'ad.hoster.test'],
      untrustedNames: ['autoconfig.bad.test'],
    });
    dns = await startDnsServer();
  });
  afterAll(async () => {
    await web?.close();
    await dns?.close();
    if (caDir) rmSync(caDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    dns.reset();
    web.clearLog();
    web.routes = [];
    dns.zone = {};
  });

  const discover = async (over: Partial<RunOptions> = {}, address = ADDRESS) => {
    const resolver = createPacketResolver({ servers: [dns.address], timeoutMs: 400, retries: 1 });
    const d = createDiscoverer({ resolver, lookup: hostLookupFor(resolver) });
    const opts = defaultRunOptions(address.address, {
      timeoutMs: 1500,
      ispdbUrl: 'https://ispdb.test/v1.1/',
      caPem: [caPem],
      ...over,
    });
    return d(address, opts, new AbortController().signal);
  };
  const src = (sources: SourceResult[], id: string) => {
    const s = sources.find((x) => x.source === id);
    if (!s) throw new Error(`no source ${id}`);
    return s;
  };

  it('runs every source, keeps each outcome, and merges the candidates with their sources', async () => {
    dns.zone = {
      [D]: { MX: [{ preference: 10, exchange: 'mx.hoster.test' }], A: [web.ip] },
      [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${D}` }] },
      [`_imap._tcp.${D}`]: { SRV: [{ priority: 0, weight: 0, port: 0, target: '.' }] },
      [`_submission._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: 587, target: `smtp.${D}` }] },
      [`autoconfig.${D}`]: { A: [web.ip] },
      [`autodiscover.${D}`]: { A: [web.ip] },
      [`imap.${D}`]: { A: ['127.0.0.2'] },
      'ispdb.test': { A: [web.ip] },
    };
    web.routes = [
      {
        scheme: 'https',
        host: `autoconfig.${D}`,
        path: AUTOCONFIG,
        body: autoconfigXml(D, [
          ['imap', `imap.${D}`, 993, 'SSL'],
          ['pop3', `pop.${D}`, 995, 'SSL'],
        ]),
      },
      {
        scheme: 'http',
        host: `autoconfig.${D}`,
        path: AUTOCONFIG,
        body: autoconfigXml(D, [['imap', `imap.${D}`, 143, 'STARTTLS']]),
      },
      {
        scheme: 'https',
        host: D,
        path: WELLKNOWN,
        contentType: 'text/html',
        body: '<!DOCTYPE html><html><body>Welcome</body></html>',
      },
      { host: 'ispdb.test', path: `/v1.1/${D}`, body: autoconfigXml(D, [['imap', `imap.${D}`, 993, 'SSL']]) },
      {
        host: 'ispdb.test',
        path: '/v1.1/hoster.test',
        body: autoconfigXml('hoster.test', [['imap', 'imap.hoster.test', 993, 'SSL']]),
      },
      {
        host: `autodiscover.${D}`,
        path: AUTODISCOVER,
        method: 'POST',
        body: (r) => autodiscoverXml(`imap.${D}`, 993, 'on', /<EMailAddress>([^<]*)</.exec(r.body)?.[1] ?? ''),
      },
    ];
    const { evidence, candidates } = await discover();
    const s = evidence.sources;
    expect(s.map((x) => x.source)).toEqual([
      'srv-imaps',
      'srv-imap',
      'srv-submissions',
      'srv-submission',
      'autoconfig',
      'autoconfig-wellknown',
      'autoconfig-http',
      'autoconfig-wellknown-http',
      'ispdb',
      'mx',
      'mx-ispdb',
      'autodiscover',
      'autodiscover-domain',
      'autodiscover-srv',
      'pacc',
      'pacc-obsolete',
      'mx-autoconfig',
      'mx-autoconfig-base',
      'mx-ispdb-full',
      'guess',
    ]);
    expect(src(s, 'srv-imaps')).toMatchObject({
      status: 'found',
      query: `_imaps._tcp.${D} SRV`,
      servers: [{ host: `imap.${D}`, port: 993, security: 'tls' }],
      trust: 'trusted',
    });
    expect(src(s, 'srv-imap').status).toBe('service-disabled');
    expect(src(s, 'srv-submission')).toMatchObject({
      status: 'found',
      servers: [{ protocol: 'smtp', host: `smtp.${D}`, port: 587, security: 'starttls' }],
    });
    expect(src(s, 'srv-submissions').status).toBe('not-found');
    const ac = src(s, 'autoconfig');
    expect(ac).toMatchObject({ status: 'found', trust: 'trusted', trustReason: 'https-domain', httpStatus: 200 });
    expect(ac.servers.map((x) => `${x.protocol} ${x.host}:${x.port}/${x.security}`)).toEqual([
      `imap imap.${D}:993/tls`,
      `pop3 pop.${D}:995/tls`,
      `smtp smtp.${D}:587/starttls`,
    ]);
    expect(ac.servers[0]?.username).toBe(ADDRESS.address);
    expect(typeof httpDate(ac)).toBe('string');
    expect(Number.isNaN(Date.parse(String(httpDate(ac))))).toBe(false);
    expect(src(s, 'autoconfig-wellknown')).toMatchObject({ status: 'invalid', invalid: { reason: 'doctype' } });
    expect(src(s, 'autoconfig-http')).toMatchObject({ status: 'found', trust: 'unverified', trustReason: 'http' });
    expect(src(s, 'autoconfig-wellknown-http')).toMatchObject({ status: 'not-found', httpStatus: 404 });
    expect(src(s, 'ispdb')).toMatchObject({
      status: 'found',
      query: `https://ispdb.test/v1.1/${D}`,
      trust: 'trusted',
      trustReason: 'ispdb',
    });
    expect(src(s, 'mx')).toMatchObject({
      status: 'found',
      facts: { mxHosts: ['mx.hoster.test'], providerDomain: 'hoster.test' },
    });
    expect(src(s, 'mx-ispdb')).toMatchObject({ status: 'found', query: 'https://ispdb.test/v1.1/hoster.test' });
    expect(src(s, 'mx-ispdb').servers[0]?.host).toBe('imap.hoster.test');
    const ad = src(s, 'autodiscover');
    expect(ad).toMatchObject({
      status: 'found',
      servers: [{ protocol: 'imap', host: `imap.${D}`, port: 993, security: 'tls' }],
    });
    expect(ad.servers[0]?.username).toBe(ADDRESS.address);
    expect(src(s, 'autodiscover-domain').status).toBe('not-found');
    expect(src(s, 'autodiscover-srv').status).toBe('not-found');
    expect(src(s, 'guess').status).toBe('skipped');
    expect(evidence.resolverWorking).toBe(true);
    for (const x of s) expect(Number.isInteger(x.ms) && x.ms >= 0).toBe(true);

    // Privacy: no ?emailaddress=, and Autodiscover was asked about a stand-in, never alice.
    expect(web.requests.some((r) => r.query.includes('emailaddress'))).toBe(false);
    const post = web.requests.find((r) => r.method === 'POST' && r.host === `autodiscover.${D}`);
    expect(post?.body).toContain(`<EMailAddress>autodiscover-probe@${D}</EMailAddress>`);
    expect(web.requests.some((r) => r.body.includes('alice'))).toBe(false);

    const first = candidates[0];
    expect(first).toMatchObject({
      host: `imap.${D}`,
      port: 993,
      security: 'tls',
      provenance: 'published',
      trust: 'trusted',
    });
    expect(first?.sources.map((r) => r.source)).toEqual(['autoconfig', 'ispdb', 'srv-imaps', 'autodiscover']);
    const plain143 = candidates.find((c) => c.port === 143);
    expect(plain143).toMatchObject({
      provenance: 'insecure',
      trust: 'trusted',
      sources: [{ source: 'autoconfig-http', trust: 'trusted', trustReason: 'inside-domain' }],
    });
    const mxCand = candidates.find((c) => c.host === 'imap.hoster.test');
    expect(mxCand).toMatchObject({
      provenance: 'mx',
      trust: 'trusted',
      sources: [{ source: 'mx-ispdb', trustReason: 'ispdb-via-mx' }],
    });
    expect(candidates.map((c) => c.provenance)).toEqual(['published', 'mx', 'insecure']);
  });

  it('sends the address only with --send-address', async () => {
    dns.zone = { [D]: { A: [web.ip] }, [`autoconfig.${D}`]: { A: [web.ip] }, [`autodiscover.${D}`]: { A: [web.ip] } };
    await discover({ sendAddress: true, ispdb: false });
    const ac = web.requests.find((r) => r.host === `autoconfig.${D}` && r.scheme === 'https');
    expect(ac?.query).toBe(`?emailaddress=${encodeURIComponent(ADDRESS.address)}`);
    expect(web.requests.find((r) => r.host === D && r.path === WELLKNOWN)?.query).toBe('');
    expect(web.requests.find((r) => r.method === 'POST')?.body).toContain(
      `<EMailAddress>${ADDRESS.address}</EMailAddress>`,
    );
    expect(web.requests.some((r) => r.host === 'ispdb.test')).toBe(false);
  });

  it('records redirects hop by hop and grades a redirect off the domain as unverified', async () => {
    dns.zone = { [D]: { A: [web.ip] }, [`autoconfig.${D}`]: { A: [web.ip] }, 'ispdb.test': { A: [web.ip] } };
    web.routes = [
      {
        scheme: 'https',
        host: `autoconfig.${D}`,
        path: AUTOCONFIG,
        status: 302,
        headers: { Location: 'https://ispdb.test/hosted/config.xml' },
      },
      {
        host: 'ispdb.test',
        path: '/hosted/config.xml',
        body: autoconfigXml(D, [['imap', 'imap.hoster.test', 993, 'SSL']]),
      },
      { scheme: 'https', host: D, path: WELLKNOWN, status: 301, headers: { Location: `http://${D}${WELLKNOWN}` } },
      { scheme: 'http', host: D, path: WELLKNOWN, body: autoconfigXml(D, [['imap', `imap.${D}`, 993, 'SSL']]) },
    ];
    const { evidence, candidates } = await discover({ ispdb: false });
    const ac = src(evidence.sources, 'autoconfig');
    expect(ac).toMatchObject({ status: 'found', trust: 'unverified', trustReason: 'redirect-off-domain' });
    expect(ac.hops).toEqual([
      { url: `https://autoconfig.${D}${AUTOCONFIG}`, status: 302, location: 'https://ispdb.test/hosted/config.xml' },
      { url: 'https://ispdb.test/hosted/config.xml', status: 200 },
    ]);
    expect(src(evidence.sources, 'autoconfig-wellknown')).toMatchObject({
      status: 'found',
      trust: 'unverified',
      trustReason: 'redirect-to-http',
    });
    expect(candidates.find((c) => c.host === 'imap.hoster.test')).toMatchObject({
      trust: 'unverified',
      sources: [{ trustReason: 'redirect-off-domain' }],
    });
    expect(candidates.find((c) => c.host === `imap.${D}`)).toMatchObject({ trust: 'trusted', provenance: 'insecure' });
  });

  it('a certificate that does not cover the name is a TLS error, not "not found"', async () => {
    dns.zone = { 'bad.test': {}, 'autoconfig.bad.test': { A: [web.ip] } };
    web.routes = [
      {
        host: 'autoconfig.bad.test',
        path: AUTOCONFIG,
        body: autoconfigXml('bad.test', [['imap', 'imap.bad.test', 993, 'SSL']]),
      },
    ];
    const { evidence } = await discover({ ispdb: false }, parseAddress('alice@bad.test'));
    expect(src(evidence.sources, 'autoconfig')).toMatchObject({
      status: 'tls-error',
      error: { code: 'HTTP_TLS', rawCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
    expect(src(evidence.sources, 'autoconfig-http')).toMatchObject({ status: 'found', trust: 'unverified' });
  });

  it('stops after the redirect limit and refuses huge, truncated and DOCTYPE bodies', async () => {
    dns.zone = { [D]: { A: [web.ip] }, [`autoconfig.${D}`]: { A: [web.ip] }, [`autodiscover.${D}`]: { A: [web.ip] } };
    web.routes = [
      { scheme: 'https', host: D, path: WELLKNOWN, status: 302, headers: { Location: `https://${D}/loop` } },
      { scheme: 'https', host: D, path: '/loop', status: 302, headers: { Location: `https://${D}${WELLKNOWN}` } },
      { scheme: 'http', host: `autoconfig.${D}`, path: AUTOCONFIG, bytes: 5 * 1024 * 1024 },
      {
        scheme: 'http',
        host: D,
        path: WELLKNOWN,
        body: autoconfigXml(D, [['imap', `imap.${D}`, 993, 'SSL']]).slice(0, 300),
      },
      {
        host: `autodiscover.${D}`,
        path: AUTODISCOVER,
        method: 'POST',
        body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Autodiscover>&a;</Autodiscover>',
      },
    ];
    const { evidence } = await discover({ ispdb: false });
    const s = evidence.sources;
    expect(src(s, 'autoconfig-wellknown')).toMatchObject({
      status: 'http-error',
      error: { code: 'HTTP_REDIRECT_LIMIT' },
    });
    expect(src(s, 'autoconfig-wellknown').hops).toHaveLength(4);
    expect(src(s, 'autoconfig-http')).toMatchObject({ status: 'invalid', invalid: { reason: 'too-large' } });
    expect(src(s, 'autoconfig-wellknown-http')).toMatchObject({ status: 'invalid', invalid: { reason: 'not-xml' } });
    expect(src(s, 'autodiscover')).toMatchObject({ status: 'invalid', invalid: { reason: 'doctype' } });
  });

  it('a hanging server and a silent resolver cost one step timeout, not one per source', async () => {
    dns.zone = { [D]: { A: [web.ip] }, [`autoconfig.${D}`]: { A: [web.ip] } };
    web.routes = [{ host: `autoconfig.${D}`, path: AUTOCONFIG, hang: true }];
    const t0 = performance.now();
    const hung = await discover({ ispdb: false, timeoutMs: 800 });
    expect(src(hung.evidence.sources, 'autoconfig')).toMatchObject({ status: 'timeout', error: { code: 'TIMEOUT' } });
    expect(performance.now() - t0).toBeLessThan(800 * 3);

    dns.set({ drop: true });
    const t1 = performance.now();
    const dropped = await discover({ timeoutMs: 800 });
    const elapsed = performance.now() - t1;
    expect(dropped.evidence.resolverWorking).toBe(false);
    for (const id of ['srv-imaps', 'mx', 'autoconfig', 'ispdb', 'autodiscover-srv'])
      expect(src(dropped.evidence.sources, id).status).toBe('timeout');
    // 14 sources run at once: the whole discovery stays within a couple of step timeouts.
    expect(elapsed).toBeLessThan(800 * 3);
    expect(dropped.candidates.every((c) => c.provenance === 'guess')).toBe(true);
  });

  it('SRV targets outside the domain are unverified unless DNSSEC-authenticated or --trust-host', async () => {
    dns.zone = {
      [D]: {},
      [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: 993, target: 'imap.hoster.test' }] },
      'imap.hoster.test': { CNAME: 'real.hoster.test' },
      'real.hoster.test': { A: ['127.0.0.2'] },
    };
    const plain = await discover({ ispdb: false });
    expect(src(plain.evidence.sources, 'srv-imaps')).toMatchObject({
      trust: 'unverified',
      trustReason: 'srv-outside-domain',
      facts: { targetCnames: [{ target: 'imap.hoster.test', chain: ['real.hoster.test'] }] },
    });
    expect(plain.candidates[0]).toMatchObject({ host: 'imap.hoster.test', trust: 'unverified', userTrusted: false });
    const named = await discover({ ispdb: false, trustHosts: ['imap.hoster.test'] });
    expect(named.candidates[0]).toMatchObject({ trust: 'unverified', userTrusted: true });
    dns.set({ ad: true });
    const signed = await discover({ ispdb: false });
    expect(signed.candidates[0]).toMatchObject({ trust: 'trusted', sources: [{ trustReason: 'dnssec' }] });
  });

  it('tells NXDOMAIN for the domain from SERVFAIL and from an unreachable resolver', async () => {
    dns.zone = {};
    const nx = await discover({ ispdb: false });
    expect(src(nx.evidence.sources, 'mx').status).toBe('nxdomain');
    expect(src(nx.evidence.sources, 'srv-imaps').status).toBe('not-found');
    expect(nx.evidence.resolverWorking).toBe(true);

    dns.set({ rcode: 'SERVFAIL' });
    const sf = await discover({ ispdb: false });
    expect(src(sf.evidence.sources, 'mx').status).toBe('servfail');
    expect(src(sf.evidence.sources, 'autoconfig')).toMatchObject({
      status: 'servfail',
      facts: { dnsStatus: 'servfail', dnsName: `autoconfig.${D}` },
    });
    expect(sf.evidence.resolverWorking).toBe(false);

    const resolver = createPacketResolver({ servers: ['127.0.0.1:9'], timeoutMs: 400, retries: 0 });
    const dead = await createDiscoverer({ resolver, lookup: hostLookupFor(resolver) })(
      ADDRESS,
      defaultRunOptions(ADDRESS.address, { timeoutMs: 1000, ispdb: false }),
      new AbortController().signal,
    );
    expect(src(dead.evidence.sources, 'mx').status).toBe('unreachable');
    expect(dead.evidence.resolverWorking).toBe(false);
    // Could not look is never "nothing published": no "no SRV record", no obsolete PACC "not found".
    const adSrv = src(dead.evidence.sources, 'autodiscover-srv');
    expect(adSrv.status).toBe('unreachable');
    expect(adSrv.facts).not.toHaveProperty('reason');
    expect(src(dead.evidence.sources, 'pacc-obsolete').status).not.toBe('not-found');
    expect(src(nx.evidence.sources, 'autodiscover-srv').facts).toMatchObject({ reason: 'no-srv-record' });
  });

  it('POP3-only published settings: no guesses unless --guess', async () => {
    dns.zone = { [D]: {}, 'ispdb.test': { A: [web.ip] } };
    web.routes = [
      { host: 'ispdb.test', path: `/v1.1/${D}`, body: autoconfigXml(D, [['pop3', `pop.${D}`, 995, 'SSL']]) },
    ];
    const popOnly = await discover();
    expect(popOnly.candidates).toEqual([]);
    expect(src(popOnly.evidence.sources, 'guess')).toMatchObject({ status: 'skipped' });
    const guessed = await discover({ guess: true });
    expect(guessed.candidates.map((c) => `${c.host}:${c.port}`)).toEqual([
      `imap.${D}:993`,
      `mail.${D}:993`,
      `${D}:993`,
      `imap.${D}:143`,
      `mail.${D}:143`,
      `${D}:143`,
    ]);
  });

  it('an unknown socketType is probed as TLS on 993 and as STARTTLS elsewhere', async () => {
    dns.zone = { [D]: {}, [`autoconfig.${D}`]: { A: [web.ip] } };
    web.routes = [
      {
        host: `autoconfig.${D}`,
        path: AUTOCONFIG,
        body: autoconfigXml(D, [
          ['imap', `imap.${D}`, 993, 'TLS'],
          ['imap', `mail.${D}`, 144, 'TLS'],
        ]),
      },
    ];
    const { evidence, candidates } = await discover({ ispdb: false });
    expect(src(evidence.sources, 'autoconfig').servers[0]).toMatchObject({ security: 'unknown', rawSecurity: 'TLS' });
    expect(candidates.map((c) => `${c.host}:${c.port}/${c.security}`)).toEqual([
      `imap.${D}:993/tls`,
      `mail.${D}:144/starttls`,
    ]);
  });
});
