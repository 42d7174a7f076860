/**
 * --no-private end to end, where a support desk would run it: the CLI inside a network namespace whose
 * only way out is a link on 198.18.0.0/15 (benchmarking addresses, neither loopback nor private), with
 * the DNS, HTTPS/HTTP and IMAP servers on the far end of that link. The zone points hosts at the
 * namespace's own loopback and at 10.77.0.1; iptables counters in the namespace count every TCP SYN to a
 * private range, so "no connection" is measured, not inferred. The same run without --no-private is
 * the control: it does connect there. Also: the process ends with its report while getaddrinfo hangs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { startDnsServer, type DnsTestServer } from '../servers/dns-server.js';
import { startFakeImap, type FakeImapServer } from '../servers/fake-imap.js';
import { autoconfigXml, startHttpsServer, type HttpsTestServer } from '../servers/https-server.js';
import { createNetns, type NetnsLab } from '../servers/netns.js';
import { labOrSkip, netnsAvailable } from '../servers/require.js';
import { runWrapped } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (--no-private e2e)');
const netns = netnsAvailable('--no-private (netns e2e)');
const D = 'example.test';
const PRIVATE_RANGES = ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

interface NsRun {
  code: number | null;
  json: Report;
  ms: number;
}

/** The CLI inside the namespace, with --json; the test kills it only after `killMs`. */
async function runIn(ns: string, args: string[], killMs = 60_000): Promise<NsRun> {
  const r = await runWrapped(['ip', 'netns', 'exec', ns], [...args, '--json'], `output in ${ns}`, killMs);
  try {
    const json = JSON.parse(r.stdout) as Report;
    expect(schemaErrors(json), 'report matches docs/report.schema.json').toBeNull();
    return { code: r.code, json, ms: r.ms };
  } catch (e) {
    throw new Error(
      `not a JSON report (exit ${r.code}): ${r.stdout.slice(0, 300)} | ${r.stderr.slice(0, 300)} | ${String(e)}`,
    );
  }
}

describe.skipIf(!lab || !netns)('--no-private in a namespace reached over 198.18.0.0/15', () => {
  if (!lab || !netns) return;
  let ns: NetnsLab;
  let dns: DnsTestServer;
  let web: HttpsTestServer;
  let imap: FakeImapServer;
  const counters = async (): Promise<number> => {
    const { stdout } = await ns.exec(ns.server.ns, 'iptables', ['-L', 'OUTPUT', '-v', '-x', '-n']);
    return stdout
      .split('\n')
      .filter((l) => PRIVATE_RANGES.some((r) => l.includes(r)))
      .reduce((n, l) => n + Number(l.trim().split(/\s+/)[0] ?? 0), 0);
  };

  beforeAll(async () => {
    ns = await createNetns({ v4Base: '198.18' });
    await ns.exec(ns.server.ns, 'ip', ['addr', 'add', '10.77.0.1/32', 'dev', 'lo']);
    for (const range of PRIVATE_RANGES)
      await ns.iptables(ns.server.ns, ['-A', 'OUTPUT', '-p', 'tcp', '--syn', '-d', range, '-j', 'ACCEPT']);
    const far = ns.rootIp;
    dns = await startDnsServer({ host: far });
    web = await startHttpsServer({
      ca: { crt: lab.certs.ca.crt, key: lab.certs.ca.key },
      names: [D, `autoconfig.${D}`, `autodiscover.${D}`],
      ip: far,
    });
    imap = await startFakeImap({
      host: far,
      port: 993,
      mode: 'tls',
      cert: lab.certs.chainIncomplete.crt,
      key: lab.certs.chainIncomplete.key,
      script: { kind: 'handlers' },
    });
    dns.zone = {
      [D]: { A: ['127.0.0.1'] },
      [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 0, port: 993, target: `imap.${D}` }] },
      [`imap.${D}`]: { A: ['127.0.0.1', '10.77.0.1', far] },
      [`autoconfig.${D}`]: { A: ['10.77.0.1'] },
      [`autodiscover.${D}`]: { A: [far] },
      [`private.${D}`]: { A: ['127.0.0.1'] },
    };
    web.routes = [
      {
        host: `autodiscover.${D}`,
        path: '/autodiscover/autodiscover.xml',
        method: 'POST',
        status: 302,
        headers: { Location: `https://private.${D}/autodiscover/autodiscover.xml` },
      },
      {
        host: `autoconfig.${D}`,
        path: '/mail/config-v1.1.xml',
        body: autoconfigXml(D, [['imap', `imap.${D}`, 993, 'SSL']]),
      },
    ];
  });
  afterAll(async () => {
    await imap?.close();
    await web?.close();
    await dns?.close();
    await ns?.destroy();
  });

  const args = (...more: string[]) => [
    `alice@${D}`,
    '--dns',
    dns.address,
    '--no-ispdb',
    '--ca-file',
    lab.certs.ca.crt,
    '--no-login',
    '--timeout',
    '1500',
    ...more,
  ];

  it('without --no-private (the control) the run does connect to the private addresses', async () => {
    const before = await counters();
    const r = await runIn(ns.server.ns, args());
    expect(r.code).not.toBe(3);
    expect(await counters()).toBeGreaterThan(before);
  });

  it('with --no-private: no SYN to any private range (IMAP, HTTP, redirect, AIA), each refusal reported, the public server probed', async () => {
    const before = await counters();
    const r = await runIn(ns.server.ns, args('--no-private'));
    expect(await counters()).toBe(before);
    expect(r.code).not.toBe(3);
    const e = r.json.endpoints.find((x) => x.host === `imap.${D}`);
    expect(e?.resolve.refused).toEqual(['127.0.0.1', '10.77.0.1']);
    expect(e?.addresses.map((a) => a.address)).toEqual([ns.rootIp]);
    const tls = e?.addresses[0]?.tls;
    expect(tls?.aia).toMatchObject({ fetched: false, why: { code: expect.stringMatching(/private-address/) } });
    const refused = r.json.findings
      .filter((f) => f.code === 'PRIVATE_ADDRESS_REFUSED')
      .map((f) => String(f.params.target));
    expect(refused).toEqual(expect.arrayContaining([`imap.${D}`, `autoconfig.${D}`, D, `private.${D}`]));
    expect(r.json.input.options.noPrivate).toBe(true);
  });

  it('with --no-private, a host the user names is still probed', async () => {
    const before = await counters();
    await runIn(ns.server.ns, [
      `alice@${D}`,
      '--host',
      '127.0.0.1',
      '--port',
      '993',
      '--no-login',
      '--timeout',
      '1000',
      '--no-private',
    ]);
    expect(await counters()).toBeGreaterThan(before);
  });
});

describe.skipIf(!netns)('the process ends with its report', () => {
  if (!netns) return;
  let ns: NetnsLab;
  let dns: DnsTestServer;
  const dir = () => `/etc/netns/${ns.server.ns}`;
  beforeAll(async () => {
    ns = await createNetns({ v4Base: '198.18' });
    dns = await startDnsServer({ host: ns.rootIp, port: 53, knobs: { drop: true } });
    mkdirSync(dir(), { recursive: true });
    // `ip netns exec` mounts this over /etc/resolv.conf: getaddrinfo asks a server that never answers, for a long time.
    writeFileSync(`${dir()}/resolv.conf`, `nameserver ${ns.rootIp}\noptions timeout:10 attempts:2\n`);
  });
  afterAll(async () => {
    if (ns) rmSync(dir(), { recursive: true, force: true });
    await dns?.close();
    await ns?.destroy();
  });

  it('a getaddrinfo still pending (20 s) does not keep the process alive once the report is out', async () => {
    const r = await runIn(
      ns.server.ns,
      [`alice@${D}`, '--host', `imap.${D}`, '--no-login', '--timeout', '2000', '--deadline', '4000'],
      60_000,
    );
    expect(r.json.endpoints[0]?.resolve).toMatchObject({ state: 'failed', a: 'timeout', aaaa: 'timeout' });
    expect(dns.queries.length).toBeGreaterThan(0);
    // Ended with its report, long before the lookup could return (20 s; the old code waited for it).
    expect(r.ms).toBeLessThan(12_000);
  });
});
