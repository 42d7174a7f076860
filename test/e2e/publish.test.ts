/**
 * `imap-doctor publish` end to end: a domain whose only truth is a working Dovecot (the lab's) and a
 * broken autoconfig file. The blocks publish prints are parsed back by the doctor's own parsers
 * (autoconfig, Autodiscover, PACC with its digest, SRV and TLSA against the presented chain), the
 * lint names each client rule the broken file breaks, and a domain set up from the blocks alone —
 * a DNSSEC-signed zone (nsd + unbound) and the HTTPS test server — diagnoses as healthy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import type { TlsaRecord } from '../../src/model/standards.js';
import { parseAutoconfig } from '../../src/discovery/parse-autoconfig.js';
import { parseAutodiscover } from '../../src/discovery/parse-autodiscover.js';
import { paccDigest, parseUaacRecord, readPaccJson } from '../../src/discovery/parse-pacc.js';
import { matchChain } from '../../src/checks/tls/dane-match.js';
import { startDnssecLab, type DnssecLab } from '../servers/dnssec.js';
import { startHttpsServer, type HttpsTestServer, type Route } from '../servers/https-server.js';
import { dnssecAvailable, labOrSkip } from '../servers/require.js';
import { codes, expectExit, registerSecret, runCli, secretForms } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (publish e2e)');
const dnssec = lab !== null && dnssecAvailable('DNSSEC lab (publish e2e)');
const T = 1500;
const D = 'example.test';

interface PublishJson {
  publishVersion: number;
  domain: string;
  verified: { imap: Array<{ host: string; port: number; security: string }> };
  blocks: Array<{
    id: string;
    where: string[];
    text: string;
    notes: Array<{ code: string }>;
    data: Record<string, unknown>;
  }>;
  lints: Array<{ rule: string; severity: string; clients: string[]; url: string; value?: string }>;
}

const BROKEN_AUTOCONFIG = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  `<clientConfig version="1.1"><emailProvider id="${D}"><domain>${D}</domain>`,
  '<incomingServer type="imap"><hostname>%EMAILLOCALPART%.%MAILHOST%</hostname><port>993</port><socketType>TLS</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>',
  '</emailProvider></clientConfig>',
].join('\n');

/** Zone-file lines of a block's DNS records (they are written absolute, ready for a zone file). */
const records = (b: PublishJson['blocks'][number] | undefined): string[] =>
  (b?.text ?? '').split('\n').filter((l) => / IN (SRV|TXT|TLSA) /.test(l));

describe.skipIf(!lab || !dnssec)('imap-doctor publish (Dovecot lab, nsd + unbound, HTTPS)', () => {
  if (!lab) return;
  registerSecret(...secretForms(lab.password, lab.users.alice));
  const good = lab.hosts.good;
  let web: HttpsTestServer;
  let before: DnssecLab;
  let after: DnssecLab | undefined;
  let published: PublishJson;

  const publish = (dns: string, ...more: string[]) =>
    runCli(['publish', D, '--dns', dns, '--no-ispdb', '--ca-file', lab.certs.ca.crt, '--timeout', String(T), ...more]);

  beforeAll(async () => {
    web = await startHttpsServer({
      ca: { crt: lab.certs.ca.crt, key: lab.certs.ca.key },
      names: [D, `autoconfig.${D}`, `ua-auto-config.${D}`, `autodiscover.${D}`],
    });
    web.routes = [
      { scheme: 'https', host: `autoconfig.${D}`, path: '/mail/config-v1.1.xml', body: BROKEN_AUTOCONFIG },
      {
        scheme: 'http',
        host: `autodiscover.${D}`,
        path: '/autodiscover/autodiscover.xml',
        status: 308,
        headers: { Location: `https://autodiscover.${D}/autodiscover/autodiscover.xml` },
      },
    ];
    before = await startDnssecLab([
      {
        origin: D,
        signing: 'signed',
        records: [`imap IN A ${good}`, `autoconfig IN A ${web.ip}`, `autodiscover IN A ${web.ip}`],
      },
    ]);
    const r = await publish(before.resolver, '--submission', `smtp.${D}:465`, '--format', 'json');
    published = JSON.parse(r.stdout) as PublishJson;
    expectExit(r, 1);
  });
  afterAll(async () => {
    await after?.stop();
    await before?.stop();
    await web?.close();
  });
  const block = (id: string) => published.blocks.find((b) => b.id === id);

  it('blocks come only from what verified: the lab server on 993 and 143, the --submission server', () => {
    expect(published.verified.imap).toEqual([
      { host: `imap.${D}`, port: 993, security: 'tls' },
      { host: `imap.${D}`, port: 143, security: 'starttls' },
    ]);
    expect(published.blocks.map((b) => b.id)).toEqual([
      'autoconfig',
      'srv',
      'pacc',
      'tlsa',
      'autodiscover',
      'certificates',
    ]);
  });

  it('the lint names the client rules the published file breaks, with their sources', () => {
    const rules = published.lints.map((l) => l.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        'autoconfig-socket-type',
        'autoconfig-outgoing-missing',
        'autoconfig-hostname-placeholder',
        'autodiscover-redirect-status',
      ]),
    );
    expect(published.lints.find((l) => l.rule === 'autoconfig-socket-type')).toMatchObject({
      severity: 'error',
      clients: ['thunderbird-android', 'thunderbird'],
      value: 'TLS',
    });
    expect(published.lints.find((l) => l.rule === 'autoconfig-hostname-placeholder')).toMatchObject({
      severity: 'error',
      value: '%EMAILLOCALPART%.%MAILHOST%',
    });
  });

  it('prints the blocks as text, with where each goes', async () => {
    const r = await publish(before.resolver, '--submission', `smtp.${D}:465`);
    expect(r.stdout).toContain('== Autoconfig (config-v1.1.xml, with the autoconfig 1.2 fields)');
    expect(r.stdout).toContain(`→ https://autoconfig.${D}/mail/config-v1.1.xml`);
    expect(r.stdout).toContain(`_ua-auto-config.${D}. 3600 IN TXT "v=UAAC1; a=sha256; d=`);
    expect(r.stdout).toContain('✖ autoconfig-socket-type (Thunderbird for Android, Thunderbird)');
    expect(r.stdout).toContain('source: thunderbird/thunderbird-android');
  });

  it("the autoconfig and Autodiscover blocks parse back with the doctor's own parsers", () => {
    const who = { address: `alice@${D}`, localPart: 'alice', domain: D };
    const ac = parseAutoconfig(block('autoconfig')?.text ?? '', who);
    expect(ac.ok).toBe(true);
    if (!ac.ok) return;
    expect(ac.config.incoming.map((s) => [s.host, s.port, s.security, s.username])).toEqual([
      [`imap.${D}`, 993, 'tls', `alice@${D}`],
      [`imap.${D}`, 143, 'starttls', `alice@${D}`],
    ]);
    expect(ac.config.outgoing.map((s) => [s.host, s.port, s.security])).toEqual([[`smtp.${D}`, 465, 'tls']]);
    expect(ac.config.problems).toEqual([]);
    const ad = parseAutodiscover(block('autodiscover')?.text ?? '', who);
    expect(ad.ok && ad.servers.map((s) => [s.protocol, s.host, s.port, s.security])).toEqual([
      ['imap', `imap.${D}`, 993, 'tls'],
      ['smtp', `smtp.${D}`, 465, 'tls'],
    ]);
  });

  it('the PACC document reads back, and its TXT record carries the digest of its exact bytes', () => {
    const data = block('pacc')?.data as { document: string; txt: string; digest: string };
    const read = readPaccJson(data.document);
    expect(read.ok && read.servers.map((s) => [s.protocol, s.host, s.port])).toEqual([
      ['imap', `imap.${D}`, 993],
      ['smtp', `smtp.${D}`, 465],
    ]);
    const txt = parseUaacRecord(data.txt);
    expect(txt.usable).toBe(true);
    expect(txt.digest).toBe(paccDigest(Buffer.from(data.document, 'utf8')));
  });

  it('the SRV records follow RFC 8314 and the TLSA records match the chain the server presents', async () => {
    expect(records(block('srv'))).toEqual([
      `_imaps._tcp.${D}. 3600 IN SRV 0 1 993 imap.${D}.`,
      `_imap._tcp.${D}. 3600 IN SRV 10 1 143 imap.${D}.`,
      `_submissions._tcp.${D}. 3600 IN SRV 0 1 465 smtp.${D}.`,
      `_submission._tcp.${D}. 3600 IN SRV 0 0 0 .`,
    ]);
    const tlsa = records(block('tlsa')).map((l) => l.split(' '));
    expect(tlsa.map((f) => `${f[0]} ${f[4]} ${f[5]} ${f[6]}`)).toEqual([
      `_993._tcp.imap.${D}. 3 1 1`,
      `_993._tcp.imap.${D}. 2 1 1`,
      `_143._tcp.imap.${D}. 3 1 1`,
      `_143._tcp.imap.${D}. 2 1 1`,
    ]);
    const r = await runCli([
      `alice@${D}`,
      '--host',
      `imap.${D}`,
      '--port',
      '993',
      '--security',
      'tls',
      '--dns',
      before.resolver,
      '--ca-file',
      lab.certs.ca.crt,
      '--no-login',
      '--json',
    ]);
    const chain = (r.json as Report).endpoints[0]?.addresses[0]?.tls;
    for (const f of tlsa.slice(0, 2)) {
      const rec: TlsaRecord = {
        usage: Number(f[4]),
        selector: Number(f[5]),
        matchingType: Number(f[6]),
        data: f[7] ?? '',
      };
      expect(chain && matchChain([rec], chain).match, f.join(' ')).toBe(true);
    }
  });

  it('a domain set up from the blocks alone diagnoses as healthy, and publish then finds nothing to lint', async () => {
    const pacc = block('pacc')?.data as { document: string };
    const routes: Route[] = [
      ...(block('autoconfig')?.where ?? []).map((url): Route => ({
        scheme: 'https',
        host: new URL(url).hostname,
        path: new URL(url).pathname,
        body: block('autoconfig')?.text ?? '',
      })),
      {
        scheme: 'https',
        host: `ua-auto-config.${D}`,
        path: '/.well-known/user-agent-configuration.json',
        contentType: 'application/json',
        body: pacc.document,
      },
      {
        scheme: 'https',
        host: `autodiscover.${D}`,
        path: '/autodiscover/autodiscover.xml',
        method: 'POST',
        body: block('autodiscover')?.text ?? '',
      },
    ];
    web.routes = routes;
    const zone = [
      `imap IN A ${good}`,
      `smtp IN A ${good}`,
      `@ IN A ${web.ip}`,
      ...['autoconfig', 'ua-auto-config', 'autodiscover'].map((h) => `${h} IN A ${web.ip}`),
    ];
    after = await startDnssecLab([
      {
        origin: D,
        signing: 'signed',
        records: [...zone, ...records(block('srv')), ...records(block('pacc')), ...records(block('tlsa'))],
      },
    ]);
    const r = await runCli(
      [
        lab.users.alice,
        '--dns',
        after.resolver,
        '--no-ispdb',
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        String(T),
        '--json',
      ],
      { env: { IMAP_DOCTOR_PASSWORD: lab.password } },
    );
    const report = r.json as Report;
    expect(schemaErrors(report)).toBeNull();
    expectExit(r, 0);
    expect(report.verdict.working).toMatchObject({
      host: `imap.${D}`,
      port: 993,
      security: 'tls',
      loginVerified: true,
    });
    expect(codes(report)).toEqual(
      expect.arrayContaining(['PACC_FOUND', 'AUTOCONFIG_FOUND', 'SRV_FOUND', 'AUTODISCOVER_FOUND', 'DANE_OK']),
    );
    // The lab server allows a password before STARTTLS: that is the server's own setting, not a publishing problem.
    const problems = report.findings.filter(
      (f) => f.severity === 'error' || (f.severity === 'warning' && f.code !== 'PLAINTEXT_LOGIN_ALLOWED'),
    );
    expect(problems.map((f) => `${f.code}: ${f.title}`)).toEqual([]);
    const again = await publish(after.resolver, '--format', 'json');
    expectExit(again, 0);
    expect((JSON.parse(again.stdout) as PublishJson).lints).toEqual([]);
  });
});
