/**
 * Batch mode end to end: the real CLI with --batch, a loopback DNS server and HTTPS server (autoconfig,
 * ISPDB) and the lab's Dovecot. A list over several domains makes one discovery per domain (counted at
 * the DNS and HTTPS servers), NDJSON lines each match the schema and carry input.address, the exit code
 * is the worst of all runs, the credentials file is refused unless it is the user's alone, no secret of
 * the batch appears anywhere, Ctrl-C prints what finished and exits 130, and a hanging address holds up
 * nobody else.
 */
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { startDnsServer, type DnsTestServer, type Zone } from '../servers/dns-server.js';
import { autoconfigXml, startHttpsServer, type HttpsTestServer } from '../servers/https-server.js';
import { labOrSkip } from '../servers/require.js';
import { ROOT, expectExit, registerSecret, runCli, secretForms, type CliRun } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (batch e2e)');
// Generous: nothing in these scenarios should time out, and the machine may be busy.
const T = 5000;
const WRONG = `Wr0ng-batch-canary-${Math.random().toString(36).slice(2, 10)}`;

describe.skipIf(!lab)('--batch (CLI, loopback DNS/HTTPS, lab Dovecot)', () => {
  if (!lab) return;
  let dns: DnsTestServer;
  let web: HttpsTestServer;
  let dir: string;
  registerSecret(
    ...secretForms(lab.password, lab.users.alice),
    ...secretForms(WRONG, lab.users.other),
    ...secretForms(lab.password, 'x@expired.test'),
  );

  const list = [
    lab.users.alice,
    lab.users.other,
    lab.users.locked,
    'bob@example.test',
    '',
    '# the expired certificate',
    'x@expired.test',
    'y@expired.test',
    'z@nowhere.test',
  ];
  const addresses = list.filter((l) => l.includes('@') && !l.startsWith('#'));

  beforeAll(async () => {
    web = await startHttpsServer({
      ca: { crt: lab.certs.ca.crt, key: lab.certs.ca.key },
      names: ['autoconfig.example.test', 'ispdb.test'],
    });
    dns = await startDnsServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-batch-'));
  });
  afterAll(async () => {
    await web?.close();
    await dns?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    dns.reset();
    web.clearLog();
    dns.zone = zone();
    web.routes = [
      {
        host: 'autoconfig.example.test',
        path: '/mail/config-v1.1.xml',
        body: autoconfigXml('example.test', [['imap', 'imap.example.test', 993, 'SSL']]),
      },
    ];
  });

  const zone = (): Zone => ({
    'example.test': {},
    '_imaps._tcp.example.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: 'imap.example.test' }] },
    'imap.example.test': { A: [lab.hosts.good] },
    'autoconfig.example.test': { A: [web.ip] },
    'expired.test': {},
    '_imaps._tcp.expired.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: 'imap.expired.test' }] },
    'imap.expired.test': { A: [lab.hosts.expired] },
    'ispdb.test': { A: [web.ip] },
  });
  const file = (name: string, lines: string[]) => {
    const f = path.join(dir, name);
    writeFileSync(f, `${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(f, 0o600);
    return f;
  };
  const args = (f: string, ...more: string[]) => [
    '--batch',
    f,
    '--dns',
    dns.address,
    '--ispdb-url',
    'https://ispdb.test/v1.1/',
    '--ca-file',
    lab.certs.ca.crt,
    ...(more.includes('--timeout') ? [] : ['--timeout', String(T)]),
    ...more,
  ];
  /** Every NDJSON line: one report, valid against the schema. */
  const ndjson = (r: CliRun): Report[] => {
    const lines = r.stdout.split('\n').filter((l) => l.length > 0);
    return lines.map((l) => {
      const report = JSON.parse(l) as Report;
      expect(schemaErrors(report), `line of ${report.input?.address} matches docs/report.schema.json`).toBeNull();
      return report;
    });
  };
  const byAddress = (rs: Report[]) => new Map(rs.map((r) => [r.input.address, r]));

  it('NDJSON: one valid report per address as each finishes, one discovery per domain, the worst exit code', async () => {
    const r = await runCli(args(file('list.txt', list), '--format', 'json'));
    expectExit(r, 1);
    const reports = ndjson(r);
    expect(reports.map((x) => x.input.address).sort()).toEqual([...addresses].sort());
    const m = byAddress(reports);
    expect(m.get(lab.users.alice)?.verdict.working).toMatchObject({
      host: 'imap.example.test',
      port: 993,
      security: 'tls',
      loginVerified: false,
    });
    expect(m.get('x@expired.test')?.findings.map((f) => f.code)).toContain('TLS_CERT_EXPIRED');
    expect(m.get('z@nowhere.test')?.verdict.status).toBe('error');
    // Without --credentials-file: no login, said once on stderr and in every report.
    expect(r.stderr).toContain('no --credentials-file: the batch runs without logins');
    for (const x of reports) {
      expect(x.input.options).toMatchObject({ batch: true, login: false });
      expect(x.findings.find((f) => f.code === 'LOGIN_NOT_TESTED')?.params.reason).toBe('batch');
      expect(x.endpoints.every((e) => e.login.state !== 'attempted')).toBe(true);
    }
    // One discovery per domain, one lookup per name: counted where the questions arrive.
    for (const d of ['example.test', 'expired.test', 'nowhere.test']) {
      expect(dns.count(`_imaps._tcp.${d}`, 'SRV'), `SRV of ${d}`).toBe(1);
      expect(dns.count(d, 'MX'), `MX of ${d}`).toBe(1);
      expect(
        web.requests.filter((q) => q.host === 'ispdb.test' && q.path === `/v1.1/${d}`),
        `ISPDB for ${d} in ${web.requests.map((q) => `${q.host}${q.path}`).join(' ')}`,
      ).toHaveLength(1);
    }
    expect(dns.count('imap.example.test', 'A')).toBe(1);
    expect(dns.count('imap.expired.test', 'A')).toBe(1);
    // One discovery: its two autoconfig fetches (https and http) once each, not once per address.
    expect(
      web.requests
        .filter((q) => q.host === 'autoconfig.example.test')
        .map((q) => q.scheme)
        .sort(),
    ).toEqual(['http', 'https']);
    // The summary goes to stderr with JSON, so stdout is NDJSON only.
    expect(r.stderr).toMatch(/Batch: 7 addresses of 7 diagnosed/);
    expect(r.stderr).toMatch(/Shared: 3 discoveries, /);
    expect(r.stderr).toContain('Exit code 1 (the worst of all runs)');
  });

  it('text: one line per address and the summary; --fail-on never makes the worst exit 0', async () => {
    const r = await runCli(args(file('list.txt', list), '--fail-on', 'never', '--concurrency', '3'));
    expectExit(r, 0);
    const lines = r.stdout.split('\n');
    for (const a of addresses)
      expect(
        lines.filter((l) => l.includes(` ${a}  `)),
        a,
      ).toHaveLength(1);
    expect(lines.find((l) => l.includes('x@expired.test'))).toContain('[TLS_CERT_EXPIRED]');
    expect(r.stdout).toMatch(/Batch: 7 addresses of 7 diagnosed in [\d.]+ s \([\d.]+ addresses\/s\): 4 working/);
    expect(r.stdout).toContain('Exit code 0 (the worst of all runs).');
  });

  it('reads the list from standard input; a bad line is named by its number and makes the exit code 2', async () => {
    const r = await runCli(
      [
        '--batch',
        '-',
        '--dns',
        dns.address,
        '--no-ispdb',
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        String(T),
        '--fail-on',
        'never',
      ],
      {
        input: `${lab.users.alice}\nnot an address\n${lab.users.other},imap.example.test,993\n`,
      },
    );
    expectExit(r, 2);
    expect(r.stderr).toContain('line 2: "not an address" is not an email address');
    expect(r.stderr).toContain('line 3: "alice@example.test,imap.example.test,993"'.replace('alice', 'other'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toContain(` ${lab.users.alice}  `);
    expect(r.stdout).toContain('2 lines could not be read');
  });

  it('address,host probes that host for the line', async () => {
    const r = await runCli(
      [
        '--batch',
        '-',
        '--dns',
        dns.address,
        '--no-ispdb',
        '--ca-file',
        lab.certs.ca.crt,
        '--resolve',
        `imap.example.test=${lab.hosts.good}`,
        '--timeout',
        String(T),
        '--format',
        'json',
      ],
      {
        input: `nobody@nowhere.test,imap.example.test\n`,
      },
    );
    const [x] = ndjson(r);
    expect(x?.input.options.host).toBe('imap.example.test');
    expect(x?.discovery).toBeNull();
    expect(x?.verdict.working?.host).toBe('imap.example.test');
  });

  it('refuses bad options with a clear error and exit 2', async () => {
    const f = file('one.txt', [lab.users.alice]);
    for (const [more, text] of [
      [['--format', 'markdown'], '--batch prints text or JSON'],
      [['--concurrency', '0'], '--concurrency must be between 1 and'],
      [[lab.users.alice], 'leave out the address'],
      [['--user', 'x'], '--user'],
    ] as Array<[string[], string]>) {
      const r = await runCli([...args(f), ...more]);
      expectExit(r, 2);
      expect(r.stderr).toContain(text);
      expect(r.stdout).toBe('');
    }
    const empty = await runCli(args(file('empty.txt', ['# nothing', ''])));
    expectExit(empty, 2);
    expect(empty.stderr).toContain('no address in the list');
  });

  it("refuses a credentials file others can read or that is not the user's, before anything is probed", async () => {
    const f = file('list-cred.txt', [lab.users.alice]);
    const open = file('open.txt', [`${lab.users.alice}\t${lab.password}`]);
    chmodSync(open, 0o644);
    let r = await runCli([...args(f), '--credentials-file', open]);
    expectExit(r, 2);
    expect(r.stderr).toContain(`group or others may read or change it (mode 0644); run chmod 600 ${open}`);
    const foreign = file('foreign.txt', [`${lab.users.alice}\t${lab.password}`]);
    chownSync(foreign, 65534, 65534);
    r = await runCli([...args(f), '--credentials-file', foreign]);
    expectExit(r, 2);
    expect(r.stderr).toContain('owned by uid 65534, not by you');
    const bad = file('bad.txt', [`${lab.users.alice} ${lab.password}`]);
    r = await runCli([...args(f), '--credentials-file', bad]);
    expectExit(r, 2);
    expect(r.stderr).toContain('line 1: expected the address, a tab and the password');
    expect(dns.queries).toHaveLength(0);
  });

  it('logs in with the credentials file: over verified TLS only, once per endpoint per address, no secret in any output', async () => {
    const creds = file('creds.txt', [
      `${lab.users.alice}\t${lab.password}`,
      `${lab.users.other}\t${WRONG}`,
      `x@expired.test\t${lab.password}`,
    ]);
    const f = file('list-login.txt', [lab.users.alice, lab.users.other, 'x@expired.test', 'bob@example.test']);
    for (const fmt of [
      ['--format', 'json'],
      ['--verbose'],
      ['--format', 'json', '--include-evidence', '--transcript'],
    ]) {
      const r = await runCli([...args(f), '--credentials-file', creds, ...fmt]);
      expectExit(r, 1);
      expect(r.stderr).not.toContain('no --credentials-file');
      if (fmt[1] !== 'json') continue;
      const m = byAddress(ndjson(r));
      expect(m.get(lab.users.alice)?.verdict.working?.loginVerified).toBe(true);
      expect(m.get(lab.users.alice)?.input.options.credentialSource).toBe('credentials-file');
      expect(m.get(lab.users.other)?.findings.map((f) => f.code)).toContain('AUTH_FAILED');
      // The expired certificate never gets the password; an address without a line gets no login.
      expect(m.get('x@expired.test')?.endpoints.every((e) => e.login.state === 'withheld')).toBe(true);
      expect(m.get('bob@example.test')?.findings.find((x) => x.code === 'LOGIN_NOT_TESTED')?.params.reason).toBe(
        'batch',
      );
      for (const x of m.values()) {
        const attempted = x.endpoints.filter((e) => e.login.state === 'attempted').map((e) => e.id);
        expect(new Set(attempted).size).toBe(attempted.length);
      }
    }
  });

  it('a hanging address holds up nobody: the others finish first, it ends at its own --deadline', async () => {
    // Its SRV query is never answered: its discovery waits for the step timeout (20 s), past its deadline.
    dns.set({ drop: true }, '_imaps._tcp.hang.test');
    const f = file('hang.txt', [
      'stuck@hang.test',
      lab.users.alice,
      lab.users.other,
      lab.users.locked,
      'bob@example.test',
    ]);
    const r = await runCli([
      ...args(f, '--timeout', '20000'),
      '--concurrency',
      '2',
      '--deadline',
      '2500',
      '--format',
      'json',
    ]);
    const reports = ndjson(r);
    expect(reports.map((x) => x.input.address)).toEqual([
      lab.users.alice,
      lab.users.other,
      lab.users.locked,
      'bob@example.test',
      'stuck@hang.test',
    ]);
    // Cut by its own deadline (2.5 s), not by the 20 s step timeout.
    const stuck = reports.at(-1) as Report;
    expect(JSON.stringify(stuck.findings)).toContain('aborted: the run deadline was reached');
    expect(stuck.durationMs).toBeLessThan(20_000);
    for (const x of reports.slice(0, -1)) expect(x.verdict.working?.host).toBe('imap.example.test');
  }, 60_000);

  it('Ctrl-C prints what has finished and exits 130', async () => {
    dns.set({ delayMs: 30_000 }, '_imaps._tcp.slow.test');
    const f = file('slow.txt', [
      lab.users.alice,
      lab.users.other,
      'a@slow.test',
      'b@slow.test',
      ...Array.from({ length: 20 }, (_, i) => `u${i}@slow.test`),
    ]);
    const firstTwo = new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (dns.count('_imaps._tcp.slow.test', 'SRV') > 0) {
          clearInterval(t);
          setTimeout(resolve, 1000);
        }
      }, 50);
    });
    const r = await runCli([...args(f, '--timeout', '30000'), '--concurrency', '3'], { interruptWhen: firstTwo });
    expectExit(r, 130);
    expect(r.stdout).toContain(` ${lab.users.alice}  `);
    expect(r.stdout).toMatch(/Interrupted \(Ctrl-C\): \d+ addresses not started/);
    expect(r.stdout).toContain('Exit code 130');
  }, 60_000);

  it('a run stuck with a free main thread (every abort listener deaf) costs its address, not the batch: exit 3', async () => {
    dns.set({ drop: true }, '_imaps._tcp.hang.test');
    const f = file('deaf.txt', ['stuck@hang.test', 'other@hang.test']);
    const r = await runCli([...args(f, '--timeout', '20000'), '--deadline', '1000', '--format', 'json'], {
      preload: path.join(ROOT, 'test/fixtures/preload/deaf-signals.mjs'),
      timeoutMs: 30_000,
    });
    expectExit(r, 3);
    const reports = ndjson(r);
    expect(reports.map((x) => x.input.address).sort()).toEqual(['other@hang.test', 'stuck@hang.test']);
    for (const x of reports)
      expect(x.findings.find((y) => y.code === 'INTERNAL_ERROR')?.params.error).toBe(
        'the run did not end within its deadline',
      );
    expect(r.stderr).toContain('2 reports with an internal error');
    expect(r.ms).toBeLessThan(20_000);
  });

  it('the man page and --help name the batch options', async () => {
    const r = await runCli(['--help']);
    const man = readFileSync(path.join(ROOT, 'docs/imap-doctor.1'), 'utf8');
    for (const o of ['--batch', '--concurrency', '--credentials-file']) {
      expect(r.stdout).toContain(o);
      expect(man).toContain(o.replace(/-/g, '\\-'));
    }
  });
});
