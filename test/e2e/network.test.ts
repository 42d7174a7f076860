/**
 * Network reasoning end to end: the real CLI against listeners in network namespaces this test
 * creates, with iptables/ip6tables producing the real evidence (a dropped port, a dead host, a
 * client network that blocks mail, no route at all, broken or missing IPv6). Each scenario must
 * produce its code and none of the other network codes; every JSON report must match the schema.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report, ReportFinding } from '../../src/model/report.js';
import { startDnsServer } from '../servers/dns-server.js';
import { createNetns, type NetnsLab } from '../servers/netns.js';
import { labOrSkip, netnsAvailable } from '../servers/require.js';
import { expectExit, runCli, runWrapped, type CliRun } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const NETWORK_CODES = [
  'NO_NETWORK',
  'LOCAL_NETWORK_BLOCKS_MAIL',
  'SERVER_PORT_FILTERED',
  'HOST_UNREACHABLE',
  'IPV6_PATH_BROKEN',
  'IPV6_SERVICE_MISSING',
  'IMPLICIT_TLS_MISSING',
];
const T = 1000;
const NAME = 'imap.example.test';

type JsonRun = CliRun & { json: Report };

/** The network codes of a report, each once, in catalogue order. */
function networkCodes(r: Report): string[] {
  const seen = new Set<string>(r.findings.map((f) => f.code));
  return NETWORK_CODES.filter((c) => seen.has(c));
}

function findings(r: Report, code: string): ReportFinding[] {
  return r.findings.filter((f) => f.code === code);
}

function checked(run: CliRun): JsonRun {
  expect(run.json, `stdout was: ${run.stdout.slice(0, 500)} | stderr: ${run.stderr.slice(0, 500)}`).toBeDefined();
  expect(schemaErrors(run.json), 'report matches docs/report.schema.json').toBeNull();
  return run as JsonRun;
}

/** The CLI run inside a namespace (`ip netns exec`), the way runCli runs it outside. */
async function runIn(lab: NetnsLab, ns: string, args: string[]): Promise<JsonRun> {
  const r = await runWrapped(['ip', 'netns', 'exec', ns], [...args, '--json'], `output in ${lab.id}`);
  let json: Report;
  try {
    json = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 300)} | ${r.stderr.slice(0, 300)}`);
  }
  return checked({ ...r, code: r.code ?? -1, json });
}

const netns = netnsAvailable('network reasoning (netns e2e)');

describe.skipIf(!netns)('network reasoning in namespaces', () => {
  const labs: NetnsLab[] = [];
  const made = async (opts: Parameters<typeof createNetns>[0] = {}) => {
    const l = await createNetns(opts);
    labs.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(labs.splice(0).map((l) => l.destroy()));
  });
  const cli = async (...args: string[]) =>
    checked(await runCli(['alice@example.test', '--no-login', '--timeout', String(T), ...args, '--json']));

  it('993 dropped by the server, 143 and 443 answering: TCP_TIMEOUT explained by SERVER_PORT_FILTERED, within the deadline', async () => {
    const ns = await made();
    await ns.listen(ns.server.ns, 143, { kind: 'imap' });
    await ns.listen(ns.server.ns, 443, { kind: 'tcp' });
    await ns.iptables(ns.server.ns, ['-A', 'INPUT', '-p', 'tcp', '--dport', '993', '-j', 'DROP']);
    const r = await cli('--host', ns.server.ip);
    expectExit(r, 1);
    expect(networkCodes(r.json)).toEqual(['SERVER_PORT_FILTERED']);
    const [f] = findings(r.json, 'SERVER_PORT_FILTERED');
    expect(f).toMatchObject({
      severity: 'error',
      who: 'mail-admin',
      subject: { port: 993 },
      params: { addresses: [ns.server.ip] },
    });
    // 143 answered the probe itself; of the web ports (443 open, 80 refused) the first answer ends the wait.
    expect(f?.params.answeredPorts).toEqual(expect.arrayContaining(['143']));
    expect(f?.params.answeredPorts).toEqual(expect.arrayContaining([expect.stringMatching(/^(80|443)$/)]));
    const timeout = findings(r.json, 'TCP_TIMEOUT');
    expect(timeout.map((x) => x.subject.port)).toEqual([993]);
    expect(timeout[0]?.causedBy).toBe('SERVER_PORT_FILTERED');
    expect(r.json.durationMs).toBeLessThan(Number(r.json.input.options.deadlineMs));
    expect(r.json.findings.some((x) => x.code === 'RUN_DEADLINE_EXCEEDED')).toBe(false);
  });

  it('only 993 asked for, 143 open on the same address: the reference probe of 143 tells it is a filter', async () => {
    const ns = await made();
    await ns.listen(ns.server.ns, 143, { kind: 'imap' });
    await ns.iptables(ns.server.ns, ['-A', 'INPUT', '-p', 'tcp', '--dport', '993', '-j', 'DROP']);
    const r = await cli('--host', ns.server.ip, '--port', '993', '--security', 'tls');
    expect(r.json.endpoints).toHaveLength(1);
    expect(networkCodes(r.json)).toEqual(['SERVER_PORT_FILTERED']);
    expect(findings(r.json, 'SERVER_PORT_FILTERED')[0]?.params.answeredPorts).toContain('143');
  });

  it('every port of the server dropped: HOST_UNREACHABLE for each endpoint, never blamed on a filter or the local network', async () => {
    const ns = await made();
    await ns.iptables(ns.server.ns, ['-A', 'INPUT', '-p', 'tcp', '-j', 'DROP']);
    const r = await cli('--host', ns.server.ip);
    expectExit(r, 1);
    expect(networkCodes(r.json)).toEqual(['HOST_UNREACHABLE']);
    const down = findings(r.json, 'HOST_UNREACHABLE');
    expect(down.map((x) => x.subject.port).sort()).toEqual([143, 993]);
    expect(down[0]?.params).toMatchObject({ addresses: [ns.server.ip], triedPorts: ['80', '143', '443', '993'] });
    expect(findings(r.json, 'TCP_TIMEOUT')).toHaveLength(2);
    expect(r.json.durationMs).toBeLessThan(Number(r.json.input.options.deadlineMs));
  });

  describe('the firewall rule: the local network is blamed only on evidence about it', () => {
    /**
     * A client namespace whose server namespace also answers on `extra` addresses of its own
     * (192.0.2.1…, on its loopback, routed from the client only), so one machine plays several servers.
     */
    const clientLab = async (extra = 0) => {
      const ns = await made({ client: true });
      const client = ns.client as NonNullable<NetnsLab['client']>;
      const more = Array.from({ length: extra }, (_, i) => `192.0.2.${i + 1}`);
      for (const a of more) await ns.exec(ns.server.ns, 'ip', ['addr', 'add', `${a}/32`, 'dev', 'lo']);
      if (extra > 0) await ns.exec(client.ns, 'ip', ['route', 'add', '192.0.2.0/24', 'via', client.serverIp]);
      for (const port of [993, 143, 443]) await ns.listen(ns.server.ns, port, { kind: port === 143 ? 'imap' : 'tcp' });
      return { ns, client, more };
    };
    const dropMail = (ns: NetnsLab, where: string, chain: 'INPUT' | 'OUTPUT', extra: string[] = []) =>
      Promise.all(
        ['993', '143'].map((port) =>
          ns.iptables(where, ['-A', chain, ...extra, '-p', 'tcp', '--dport', port, '-j', 'DROP']),
        ),
      );

    it('one server of an unknown operator, its IMAP ports dropped while 443 answers: SERVER_PORT_FILTERED leads, naming your network and the test', async () => {
      const ns = await made();
      await ns.listen(ns.server.ns, 443, { kind: 'tcp' });
      await dropMail(ns, ns.server.ns, 'INPUT');
      const r = await cli('--host', ns.server.ip);
      expectExit(r, 1);
      expect(networkCodes(r.json)).toEqual(['SERVER_PORT_FILTERED']);
      const filtered = findings(r.json, 'SERVER_PORT_FILTERED');
      expect(filtered.map((f) => f.subject.port).sort()).toEqual([143, 993]);
      expect(filtered[0]).toMatchObject({
        who: 'mail-admin',
        params: { addresses: [ns.server.ip], localAlternative: true },
      });
      expect(filtered[0]?.explanation).toContain('cannot tell its own filter from your network blocking mail');
      expect(filtered[0]?.fix[0]).toMatch(/phone's hotspot.*--reference/);
    });

    it('the same evidence made by the client network (993 and 143 dropped on the way out): still only one server, so still SERVER_PORT_FILTERED', async () => {
      const { ns, client } = await clientLab();
      await dropMail(ns, client.ns, 'OUTPUT');
      const r = await runIn(ns, client.ns, [
        'alice@example.test',
        '--host',
        client.serverIp,
        '--no-login',
        '--timeout',
        String(T),
      ]);
      expectExit(r, 1);
      expect(networkCodes(r.json)).toEqual(['SERVER_PORT_FILTERED']);
      expect(findings(r.json, 'SERVER_PORT_FILTERED')[0]?.params).toMatchObject({
        addresses: [client.serverIp],
        localAlternative: true,
      });
      expect(findings(r.json, 'SERVER_PORT_FILTERED')[0]?.params.answeredPorts).toContain('443');
      const timeouts = findings(r.json, 'TCP_TIMEOUT');
      expect(timeouts).toHaveLength(2);
      expect(timeouts.every((x) => x.causedBy !== undefined)).toBe(true);
    });

    it('--reference silent too (the client network drops mail to every server): LOCAL_NETWORK_BLOCKS_MAIL, naming the reference', async () => {
      const { ns, client, more } = await clientLab(1);
      await dropMail(ns, client.ns, 'OUTPUT');
      const reference = `${more[0]}:993`;
      const r = await runIn(ns, client.ns, [
        'alice@example.test',
        '--host',
        client.serverIp,
        '--reference',
        reference,
        '--no-login',
        '--timeout',
        String(T),
      ]);
      expectExit(r, 1);
      expect(networkCodes(r.json)).toEqual(['LOCAL_NETWORK_BLOCKS_MAIL']);
      const [f] = findings(r.json, 'LOCAL_NETWORK_BLOCKS_MAIL');
      expect(f).toMatchObject({
        who: 'your-network',
        params: { basis: 'reference', reference, referenceAddress: reference, hosts: 1, hostNames: [client.serverIp] },
      });
      expect(r.json.network.references.find((x) => x.purpose === 'user-reference')).toMatchObject({
        address: more[0],
        port: 993,
        outcome: { state: 'failed', error: { code: 'TIMEOUT' } },
      });
      expect(r.json.input.options.reference).toBe(reference);
      const timeouts = findings(r.json, 'TCP_TIMEOUT');
      expect(timeouts).toHaveLength(2);
      expect(timeouts[0]?.causedBy).toBe('LOCAL_NETWORK_BLOCKS_MAIL');
      expect(timeouts.every((x) => x.causedBy !== undefined)).toBe(true);
    });

    it('--reference answering (the server drops IMAP to its own address only): the server is at fault, and the text says mail passes this network', async () => {
      const { ns, client, more } = await clientLab(1);
      await dropMail(ns, ns.server.ns, 'INPUT', ['-d', client.serverIp]);
      const r = await runIn(ns, client.ns, [
        'alice@example.test',
        '--host',
        client.serverIp,
        '--reference',
        `${more[0]}`,
        '--no-login',
        '--timeout',
        String(T),
      ]);
      expectExit(r, 1);
      expect(networkCodes(r.json)).toEqual(['SERVER_PORT_FILTERED']);
      const [f] = findings(r.json, 'SERVER_PORT_FILTERED');
      expect(f?.params).toMatchObject({
        addresses: [client.serverIp],
        localAlternative: false,
        reference: `${more[0]}:993`,
      });
      expect(f?.explanation).toContain('lets mail connections through');
      expect(r.json.network.references.find((x) => x.purpose === 'user-reference')?.outcome.state).toBe('ok');
    });

    it('two hosts at different addresses, IMAP dropped on both while their web ports answer (found by discovery): LOCAL_NETWORK_BLOCKS_MAIL', async () => {
      const a = await made();
      const b = await made();
      for (const ns of [a, b]) {
        await ns.listen(ns.server.ns, 443, { kind: 'tcp' });
        await dropMail(ns, ns.server.ns, 'INPUT');
      }
      const dns = await startDnsServer({
        zone: {
          'example.test': {},
          'imap.example.test': { A: [a.server.ip] },
          'mail.example.test': { A: [b.server.ip] },
        },
      });
      try {
        const r = await cli('--dns', dns.address, '--no-ispdb');
        expectExit(r, 1);
        expect(networkCodes(r.json)).toEqual(['LOCAL_NETWORK_BLOCKS_MAIL']);
        const [f] = findings(r.json, 'LOCAL_NETWORK_BLOCKS_MAIL');
        expect(f?.params).toMatchObject({
          basis: 'hosts',
          hosts: 2,
          hostNames: ['imap.example.test', 'mail.example.test'],
          imapPorts: ['143', '993'],
        });
        expect(f?.params.webAnswers).toEqual(expect.arrayContaining([`${a.server.ip}:443`, `${b.server.ip}:443`]));
      } finally {
        await dns.close();
      }
    });

    it("a big provider's own IMAP host (imap.gmail.com, pinned to a namespace: nothing outside is contacted) silent while 443 answers: LOCAL_NETWORK_BLOCKS_MAIL", async () => {
      const ns = await made();
      await ns.listen(ns.server.ns, 443, { kind: 'tcp' });
      await dropMail(ns, ns.server.ns, 'INPUT');
      const r = await cli('--host', 'imap.gmail.com', '--resolve', `imap.gmail.com=${ns.server.ip}`);
      expectExit(r, 1);
      expect(networkCodes(r.json)).toEqual(['LOCAL_NETWORK_BLOCKS_MAIL']);
      expect(findings(r.json, 'LOCAL_NETWORK_BLOCKS_MAIL')[0]?.params).toMatchObject({
        basis: 'provider',
        providerHost: 'imap.gmail.com',
        hosts: 1,
      });
      expect(r.json.endpoints.flatMap((e) => e.addresses.map((x) => x.address))).toEqual([ns.server.ip, ns.server.ip]);
    });
  });

  describe('no network at all', () => {
    const resolvConfDirs: string[] = [];
    const etcNetnsExisted = existsSync('/etc/netns');
    afterEach(() => {
      for (const d of resolvConfDirs.splice(0)) rmSync(d, { recursive: true, force: true });
      if (!etcNetnsExisted && existsSync('/etc/netns') && readdirSync('/etc/netns').length === 0)
        rmdirSync('/etc/netns');
    });

    it('DNS without an answer and no route even to the resolver: NO_NETWORK', async () => {
      const ns = await made({ client: true });
      const client = ns.client as NonNullable<NetnsLab['client']>;
      // `ip netns exec` mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf: a resolver the namespace has no route to.
      const dir = `/etc/netns/${client.ns}`;
      mkdirSync(dir, { recursive: true });
      resolvConfDirs.push(dir);
      writeFileSync(`${dir}/resolv.conf`, 'nameserver 192.0.2.53\noptions timeout:1 attempts:1\n');
      const r = await runIn(ns, client.ns, [
        'alice@example.test',
        '--host',
        NAME,
        '--no-login',
        '--timeout',
        String(T),
      ]);
      expectExit(r, 1);
      expect(networkCodes(r.json)).toEqual(['NO_NETWORK']);
      const [f] = findings(r.json, 'NO_NETWORK');
      expect(f).toMatchObject({
        severity: 'error',
        who: 'your-network',
        params: { resolvers: ['192.0.2.53'], tried: [] },
      });
      expect(f?.params.dns).toEqual(expect.arrayContaining([expect.stringContaining(NAME)]));
    });

    it('no route but DNS never asked (pinned address): no NO_NETWORK claim, and no host blamed', async () => {
      const ns = await made({ client: true });
      const client = ns.client as NonNullable<NetnsLab['client']>;
      const r = await runIn(ns, client.ns, [
        'alice@example.test',
        '--host',
        NAME,
        '--resolve',
        `${NAME}=192.0.2.10`,
        '--no-login',
        '--timeout',
        String(T),
      ]);
      expectExit(r, 1);
      expect(networkCodes(r.json)).toEqual([]);
      expect(findings(r.json, 'TCP_UNREACHABLE').map((x) => x.params.reason)).toEqual([
        'net-unreachable',
        'net-unreachable',
      ]);
    });
  });

  describe('IPv6 against IPv4', () => {
    it('IMAP listening on IPv4 only while the AAAA address answers on 443: IPV6_SERVICE_MISSING (refused)', async () => {
      const ns = await made({ ipv6: true });
      const v6 = ns.server.ip6 as string;
      await ns.listen(ns.server.ns, 993, { kind: 'tcp' }, ns.server.ip);
      await ns.listen(ns.server.ns, 143, { kind: 'imap' }, ns.server.ip);
      await ns.listen(ns.server.ns, 443, { kind: 'tcp' }, '::');
      const r = await cli('--host', NAME, '--resolve', `${NAME}=${ns.server.ip},${v6}`);
      expect(networkCodes(r.json)).toEqual(['IPV6_SERVICE_MISSING']);
      const missing = findings(r.json, 'IPV6_SERVICE_MISSING');
      expect(missing.map((x) => x.subject.port).sort()).toEqual([143, 993]);
      expect(missing[0]).toMatchObject({
        severity: 'warning',
        who: 'mail-admin',
        params: { addresses: [v6], refused: true },
      });
    });

    it('the IPv6 firewall dropping IMAP while IPv6 443 answers: IPV6_SERVICE_MISSING, not a filtered port', async () => {
      const ns = await made({ ipv6: true });
      const v6 = ns.server.ip6 as string;
      await ns.listen(ns.server.ns, 993, { kind: 'tcp' }, '::');
      await ns.listen(ns.server.ns, 143, { kind: 'imap' }, '::');
      await ns.listen(ns.server.ns, 443, { kind: 'tcp' }, '::');
      for (const port of ['993', '143'])
        await ns.ip6tables(ns.server.ns, ['-A', 'INPUT', '-p', 'tcp', '--dport', port, '-j', 'DROP']);
      const r = await cli('--host', NAME, '--resolve', `${NAME}=${ns.server.ip},${v6}`);
      expect(networkCodes(r.json)).toEqual(['IPV6_SERVICE_MISSING']);
      const [f] = findings(r.json, 'IPV6_SERVICE_MISSING');
      expect(f?.params).toMatchObject({ addresses: [v6], refused: false });
      expect(f?.params.answeredPorts).toEqual(expect.arrayContaining([expect.stringMatching(/^(80|443)$/)]));
    });

    it('the client network dropping all IPv6 while IPv4 works: IPV6_PATH_BROKEN once, the server not blamed', async () => {
      const ns = await made({ client: true, ipv6: true });
      const client = ns.client as NonNullable<NetnsLab['client']>;
      await ns.listen(ns.server.ns, 993, { kind: 'tcp' }, '::');
      await ns.listen(ns.server.ns, 143, { kind: 'imap' }, '::');
      await ns.listen(ns.server.ns, 443, { kind: 'tcp' }, '::');
      await ns.ip6tables(client.ns, ['-A', 'OUTPUT', '-p', 'tcp', '-j', 'DROP']);
      const v6 = client.serverIp6 as string;
      const r = await runIn(ns, client.ns, [
        'alice@example.test',
        '--host',
        NAME,
        '--resolve',
        `${NAME}=${client.serverIp},${v6}`,
        '--no-login',
        '--timeout',
        String(T),
      ]);
      expect(networkCodes(r.json)).toEqual(['IPV6_PATH_BROKEN']);
      const broken = findings(r.json, 'IPV6_PATH_BROKEN');
      expect(broken).toHaveLength(1);
      expect(broken[0]).toMatchObject({
        severity: 'warning',
        who: 'your-network',
        params: { addresses: [v6], absent: false },
      });
    });

    it('no IPv6 on the client at all: IPV6_PATH_BROKEN as information (apps fall back at once)', async () => {
      const ns = await made({ client: true });
      const client = ns.client as NonNullable<NetnsLab['client']>;
      await ns.listen(ns.server.ns, 993, { kind: 'tcp' });
      await ns.listen(ns.server.ns, 143, { kind: 'imap' });
      const r = await runIn(ns, client.ns, [
        'alice@example.test',
        '--host',
        NAME,
        '--resolve',
        `${NAME}=${client.serverIp},2001:db8::10`,
        '--no-login',
        '--timeout',
        String(T),
      ]);
      expect(networkCodes(r.json)).toEqual(['IPV6_PATH_BROKEN']);
      expect(findings(r.json, 'IPV6_PATH_BROKEN')[0]).toMatchObject({ severity: 'info', params: { absent: true } });
    });
  });
});

/** A tiny IMAP server for a namespace: STARTTLS on its port with the given certificate, nothing else. */
const STARTTLS_SOURCE = String.raw`
const [host, port, cert, key] = process.argv.slice(1);
const net = require('node:net'), tls = require('node:tls'), fs = require('node:fs');
const secureContext = tls.createSecureContext({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) });
net.createServer((raw) => {
  raw.on('error', () => {});
  let sock = raw, secure = false, buf = '';
  const onData = (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 2); handle(line); }
  };
  const handle = (line) => {
    const [tag, cmd = ''] = line.split(' ');
    const c = cmd.toUpperCase();
    if (c === 'CAPABILITY') sock.write('* CAPABILITY IMAP4rev1 ' + (secure ? 'AUTH=PLAIN' : 'STARTTLS LOGINDISABLED') + '\r\n' + tag + ' OK done\r\n');
    else if (c === 'STARTTLS' && !secure) {
      sock.write(tag + ' OK Begin TLS now\r\n');
      raw.removeListener('data', onData);
      const t = new tls.TLSSocket(raw, { isServer: true, secureContext });
      t.on('error', () => {});
      t.on('data', onData);
      secure = true; sock = t; buf = '';
    } else if (c === 'LOGOUT') { sock.write('* BYE bye\r\n' + tag + ' OK done\r\n'); sock.end(); }
    else sock.write(tag + ' BAD not here\r\n');
  };
  raw.on('data', onData);
  raw.write('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] netns starttls ready.\r\n');
}).listen(Number(port), host, () => console.log('LISTENING ' + port));
process.on('SIGTERM', () => process.exit(0));
`;

const lab = netns ? labOrSkip('network reasoning (implicit TLS e2e)') : null;

describe.skipIf(!netns || !lab)('implicit TLS against STARTTLS', () => {
  let ns: NetnsLab | null = null;
  afterEach(async () => {
    await ns?.destroy();
    ns = null;
  });

  it('993 refused while 143 with STARTTLS works and verifies: IMPLICIT_TLS_MISSING (a warning), exit 0', async () => {
    if (!lab) return;
    ns = await createNetns();
    const server = ns.spawn(ns.server.ns, process.execPath, [
      '-e',
      STARTTLS_SOURCE,
      '0.0.0.0',
      '143',
      lab.certs.good.crt,
      lab.certs.good.key,
    ]);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`STARTTLS server did not start: ${out}`)), 5000);
      server.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('LISTENING')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    });
    const r = checked(
      await runCli([
        'alice@example.test',
        '--host',
        NAME,
        '--resolve',
        `${NAME}=${ns.server.ip}`,
        '--ca-file',
        lab.certs.ca.crt,
        '--no-login',
        '--timeout',
        String(T),
        '--json',
      ]),
    );
    expectExit(r, 0);
    expect(networkCodes(r.json)).toEqual(['IMPLICIT_TLS_MISSING']);
    expect(findings(r.json, 'IMPLICIT_TLS_MISSING')[0]).toMatchObject({
      severity: 'warning',
      who: 'mail-admin',
      subject: { port: 993 },
      params: { starttlsPort: 143, how: 'refused' },
    });
    expect(r.json.verdict.working).toMatchObject({ port: 143, security: 'starttls' });
  });
});
