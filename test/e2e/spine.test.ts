/**
 * The spine end to end: the real CLI against the lab's real Dovecot (and fakes only for hostile
 * behaviour no real server produces). Every scenario runs with the lab's unique password; the
 * runner fails any run whose output contains it. Each broken case must exit 1 with the matching
 * code as its first error finding, and every --json report must match the published schema.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labOrSkip } from '../servers/require.js';
import { scripts, startFakeImap, type FakeImapServer } from '../servers/fake-imap.js';
import {
  codes,
  expectExit,
  firstError,
  registerSecret,
  runCli,
  secretForms,
  type CliRun,
  labArgs,
} from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (spine e2e)');
const T = '1500';

describe.skipIf(!lab)('imap-doctor against the lab Dovecot', () => {
  if (!lab) return;
  const h = lab.hosts;
  const name = lab.hostname;
  const pw = { IMAP_DOCTOR_PASSWORD: lab.password };
  registerSecret(...secretForms(lab.password, lab.users.alice), ...secretForms(lab.password, lab.users.other));
  const base = (ip: string, ...more: string[]) => labArgs(lab, lab.users.alice, ip, T, ...more);
  const json = async (args: string[], env: Record<string, string> = pw) => {
    const r = await runCli([...args, '--json'], { env });
    expect(schemaErrors(r.json), 'report matches docs/report.schema.json').toBeNull();
    return r as CliRun & { json: NonNullable<CliRun['json']> };
  };

  it('healthy 993 and 143: exit 0, login verified, the working settings named', async () => {
    const r = await json(base(h.good));
    expectExit(r, 0);
    expect(r.json.verdict.working).toEqual({
      host: name,
      port: 993,
      security: 'tls',
      username: lab.users.alice,
      loginVerified: true,
    });
    expect(codes(r.json)).toEqual(
      expect.arrayContaining(['TCP_OK', 'TLS_OK', 'GREETING_OK', 'AUTH_OK', 'INBOX_OK', 'STARTTLS_OK']),
    );
    const e143 = r.json.endpoints.find((e) => e.port === 143);
    expect(e143?.login).toMatchObject({ state: 'attempted', ok: true });
    const text = await runCli(base(h.good), { env: pw });
    expectExit(text, 0);
    expect(text.stdout).toContain('Settings that work');
    expect(text.stdout).toMatch(
      /Server: +imap\.example\.test\n +Port: +993\n +Security: +SSL\/TLS\n +Username: +alice@example\.test/,
    );
  });

  it('143 with STARTTLS alone: exit 0, settings name STARTTLS, plaintext login flagged for the admin', async () => {
    const r = await json(base(h.good, '--port', '143', '--security', 'starttls'));
    expectExit(r, 0);
    expect(r.json.verdict.working).toMatchObject({ port: 143, security: 'starttls', loginVerified: true });
    expect(r.json.verdict.status).toBe('warning');
    expect(codes(r.json)).toContain('PLAINTEXT_LOGIN_ALLOWED');
    const a = r.json.endpoints[0]?.addresses[0];
    expect(a?.capabilities.beforeTls).toContain('STARTTLS');
    expect(a?.capabilities.afterTls).toContain('AUTH=PLAIN');
  });

  it('wrong password: AUTH_FAILED with the server words, and only one login attempt', async () => {
    const r = await json([...base(h.good), '--user', lab.users.other]);
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('AUTH_FAILED');
    const f = r.json.findings.find((x) => x.code === 'AUTH_FAILED');
    expect(f?.params.response).toMatch(/NO \[AUTHENTICATIONFAILED\]/);
    const attempted = r.json.endpoints.filter((e) => e.login.state === 'attempted');
    expect(attempted).toHaveLength(1);
    expect(r.json.endpoints.find((e) => e.port === 143)?.login).toEqual({
      state: 'withheld',
      reason: 'earlier-credential-failure',
    });
  });

  const certCases: Array<[string, keyof typeof h, string]> = [
    ['expired', 'expired', 'TLS_CERT_EXPIRED'],
    ['wrong name', 'wrongName', 'TLS_HOSTNAME_MISMATCH'],
    ['self-signed', 'selfSigned', 'TLS_SELF_SIGNED'],
    ['unknown CA', 'unknownCa', 'TLS_UNTRUSTED_ISSUER'],
    ['missing intermediate', 'chainIncomplete', 'TLS_CHAIN_INCOMPLETE'],
    ['not yet valid', 'notYetValid', 'TLS_CERT_NOT_YET_VALID'],
    ['TLS 1.0 only', 'tls10', 'TLS_PROTOCOL_TOO_OLD'],
  ];
  for (const [label, host, code] of certCases) {
    it(`${label}: first error ${code}, and the password is withheld`, async () => {
      const ip = h[host] as string;
      const r = await json(base(ip, '--port', '993'));
      expectExit(r, 1);
      expect(firstError(r.json)).toBe(code);
      expect(r.json.endpoints[0]?.login.state).toBe('withheld');
      expect(r.json.verdict.working).toBeNull();
    });
  }

  it('the certificate chain is in the report: subject, SANs, issuer, dates, fingerprint', async () => {
    const r = await json(base(h.expired, '--port', '993'));
    const tls = r.json.endpoints[0]?.addresses[0]?.tls;
    expect(tls?.verifyError).toBe('CERT_HAS_EXPIRED');
    const leaf = tls?.chain[0];
    expect(leaf?.subjectAltNames).toContain(`DNS:${name}`);
    expect(leaf?.validTo.slice(0, 10)).toBe('2021-01-01');
    expect(leaf?.issuerCommonName).toBe('imap-doctor test CA');
    expect(leaf?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('missing intermediate is proven through the AIA URL in the certificate', async () => {
    const r = await json(base(h.chainIncomplete, '--port', '993'));
    const f = r.json.findings.find((x) => x.code === 'TLS_CHAIN_INCOMPLETE');
    expect(f?.params).toMatchObject({ confirmed: true, aiaUrl: lab.aia.url });
  });

  it('unknown CA: untrusted without --ca-file for it, exit 0 with it', async () => {
    const without = await json(base(h.unknownCa, '--port', '993'));
    expect(firstError(without.json)).toBe('TLS_UNTRUSTED_ISSUER');
    const withCa = await json([...base(h.unknownCa, '--port', '993'), '--ca-file', lab.certs.otherCa.crt]);
    expectExit(withCa, 0);
    expect(codes(withCa.json)).toContain('AUTH_OK');
  });

  it('plaintext-only server with LOGINDISABLED: AUTH_TLS_REQUIRED, no password sent', async () => {
    const r = await json(base(h.loginDisabled, '--port', '143', '--security', 'plain'));
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('AUTH_TLS_REQUIRED');
    expect(r.json.endpoints[0]?.login).toEqual({ state: 'withheld', reason: 'login-disabled' });
    expect(r.json.endpoints[0]?.addresses[0]?.capabilities.beforeTls).toContain('LOGINDISABLED');
    const s = await json(base(h.loginDisabled, '--port', '143', '--security', 'starttls'));
    expect(firstError(s.json)).toBe('STARTTLS_NOT_OFFERED');
    expect(s.json.endpoints[0]?.login.state).toBe('withheld');
  });

  it('TLS spoken to 143: TLS_ON_PLAINTEXT_PORT, naming the greeting seen in plain text', async () => {
    const r = await json(base(h.good, '--port', '143', '--security', 'tls'));
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('TLS_ON_PLAINTEXT_PORT');
    expect(r.json.findings[0]?.params.greeting).toContain(lab.greetingTexts.a);
    expect(r.json.findings[0]?.fix.join(' ')).toMatch(/STARTTLS/);
  });

  it('plaintext spoken to 993: PLAINTEXT_ON_TLS_PORT after the greeting timeout', async () => {
    const r = await json(base(h.good, '--port', '993', '--security', 'starttls'));
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('PLAINTEXT_ON_TLS_PORT');
    expect(r.json.findings[0]?.fix.join(' ')).toMatch(/SSL\/TLS/);
  });

  it('closed port: TCP_REFUSED', async () => {
    const r = await json(base(h.good, '--port', '1', '--security', 'tls'));
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('TCP_REFUSED');
  });

  it('temporary auth failure: AUTH_TEMPORARY_FAILURE, never called a wrong password', async () => {
    const r = await json(base(h.tempfail, '--port', '993'));
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('AUTH_TEMPORARY_FAILURE');
    expect(codes(r.json)).not.toContain('AUTH_FAILED');
  });

  it('--no-login: exit 0 on verified TLS, login reported as not tested', async () => {
    const r = await json([...base(h.good), '--no-login']);
    expectExit(r, 0);
    expect(r.json.verdict.working?.loginVerified).toBe(false);
    expect(codes(r.json)).toContain('LOGIN_NOT_TESTED');
    expect(r.json.endpoints.every((e) => e.login.state === 'withheld')).toBe(true);
  });

  it('no password at all (no env, stdin not a TTY): behaves as --no-login and says so', async () => {
    const r = await json(base(h.good), {});
    expectExit(r, 0);
    const f = r.json.findings.find((x) => x.code === 'LOGIN_NOT_TESTED');
    expect(f?.params.reason).toBe('no-password');
  });

  it('--password-stdin reads the password from the first line of standard input', async () => {
    const r = await runCli([...base(h.good, '--port', '993'), '--password-stdin', '--json'], {
      input: `${lab.password}\nanything after the first line\n`,
    });
    expectExit(r, 0);
    expect(r.json?.input.options.credentialSource).toBe('stdin');
  });

  it('text, markdown, html and json of a failing run never contain the password', async () => {
    for (const fmt of [[], ['--format', 'markdown'], ['--format', 'html'], ['--verbose'], ['--transcript', '--json']]) {
      const r = await runCli([...base(h.good), '--user', lab.users.other, ...fmt], { env: pw });
      expectExit(r, 1);
      expect(r.stdout.length).toBeGreaterThan(100);
    }
  });
});

describe.skipIf(!lab)('hostile fakes', () => {
  if (!lab) return;
  const pw = { IMAP_DOCTOR_PASSWORD: lab.password };
  registerSecret(...secretForms(lab.password, lab.users.alice));
  const ip = lab.hosts.good;
  const fakes: FakeImapServer[] = [];
  const start = async (o: Parameters<typeof startFakeImap>[0]) => {
    const f = await startFakeImap({ host: ip, port: 0, ...o });
    fakes.push(f);
    return f;
  };
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
  });
  const run = async (port: number, security: string) => {
    const r = await runCli(
      [
        lab.users.alice,
        '--host',
        ip,
        '--port',
        String(port),
        '--security',
        security,
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        '800',
        '--json',
      ],
      { env: pw },
    );
    expect(schemaErrors(r.json)).toBeNull();
    return r as CliRun & { json: NonNullable<CliRun['json']> };
  };

  it('a silent server: GREETING_TIMEOUT, after trying TLS on the same port too', async () => {
    const f = await start({ mode: 'plain', script: scripts.silent() });
    const r = await run(f.port, 'starttls');
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('GREETING_TIMEOUT');
    expect(r.json.findings[0]?.params.tlsTried).toBe(true);
  });

  it('a BYE greeting: GREETING_BYE with the server text', async () => {
    const f = await start({ mode: 'tls', cert: lab.certs.good.crt, key: lab.certs.good.key, script: scripts.bye() });
    const r = await run(f.port, 'tls');
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('GREETING_BYE');
    expect(r.json.findings[0]?.params.text).toBe('Too many connections from your IP');
  });

  it('an SMTP banner: GREETING_NOT_IMAP naming SMTP', async () => {
    const f = await start({ mode: 'plain', script: scripts.banner('220 mail.example.test ESMTP Postfix') });
    const r = await run(f.port, 'starttls');
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('GREETING_NOT_IMAP');
    expect(r.json.findings[0]?.params.protocol).toBe('smtp');
  });

  it('STARTTLS response injection: STARTTLS_INJECTION, and no credentials ever reach the server', async () => {
    const f = await start({
      mode: 'starttls',
      cert: lab.certs.good.crt,
      key: lab.certs.good.key,
      script: scripts.starttlsInjection(),
    });
    const r = await run(f.port, 'starttls');
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('STARTTLS_INJECTION');
    expect(r.json.endpoints[0]?.login).toEqual({ state: 'withheld', reason: 'starttls-injection' });
    expect(f.commands.map((c) => c.name)).not.toContain('LOGIN');
    expect(f.commands.map((c) => c.name)).not.toContain('AUTHENTICATE');
  });

  it('STARTTLS advertised but refused: STARTTLS_REJECTED', async () => {
    const f = await start({
      mode: 'starttls',
      cert: lab.certs.good.crt,
      key: lab.certs.good.key,
      script: scripts.starttlsRefused(),
    });
    const r = await run(f.port, 'starttls');
    expectExit(r, 1);
    expect(firstError(r.json)).toBe('STARTTLS_REJECTED');
  });
});

describe('command line', () => {
  it('an invalid address: exit 2, one clear line, no stack trace', async () => {
    const r = await runCli(['not-an-address']);
    expectExit(r, 2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^imap-doctor: "not-an-address" is not an email address/);
    expect(r.stderr).not.toMatch(/\bat \S+ \(|node:internal/);
  });

  it('bad options: exit 2 with the reason', async () => {
    for (const args of [
      ['a@example.com', '--port', '70000'],
      ['a@example.com', '--security', 'ssl'],
      ['a@example.com', '--timeout', 'soon'],
      ['a@example.com', '--bogus'],
    ]) {
      const r = await runCli(args);
      expectExit(r, 2);
      expect(r.stderr).toMatch(/^imap-doctor: /);
      expect(r.stderr).not.toMatch(/\bat \S+ \(/);
    }
  });

  it('a bad --reference: exit 2, the reason on one line naming the value', async () => {
    for (const bad of ['imap.example.net:99999', 'user@host:993', ':993']) {
      const r = await runCli(['a@example.com', '--reference', bad, '--no-login']);
      expectExit(r, 2);
      const [line] = r.stderr.split('\n');
      expect(line).toMatch(/^imap-doctor: .*--reference.*(no port between 1 and 65535|no valid host name)/);
      expect(line).toContain(bad);
      expect(r.stderr).not.toMatch(/\bat \S+ \(/);
    }
  });

  it('an unreadable --ca-file or a file without certificates: exit 2', async () => {
    const a = await runCli(['a@example.com', '--host', '127.0.0.1', '--ca-file', '/nonexistent.pem', '--no-login']);
    expectExit(a, 2);
    expect(a.stderr).toMatch(/--ca-file \/nonexistent\.pem: cannot read it \(ENOENT\)/);
    const b = await runCli(['a@example.com', '--host', '127.0.0.1', '--ca-file', '/etc/hostname', '--no-login']);
    expectExit(b, 2);
    expect(b.stderr).toMatch(/no PEM certificate/);
  });

  it('IDN domains are normalised to ASCII', async () => {
    const r = await runCli([
      'alice@Bücher.example',
      '--host',
      '127.0.0.1',
      '--port',
      '1',
      '--security',
      'tls',
      '--no-login',
      '--json',
    ]);
    expect(r.json?.input.domain).toBe('xn--bcher-kva.example');
    expect(r.json?.input.unicodeDomain).toBe('bücher.example');
    expect(r.json?.input.address).toBe('alice@xn--bcher-kva.example');
  });

  it('--port or --security without --host: a usage error, not silently ignored', async () => {
    const r = await runCli(['a@example.com', '--port', '993', '--no-login']);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/--port and --security choose the endpoint on --host/);
  });

  it('a --ca-file whose PEM block is not a certificate: exit 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-ca-'));
    const f = path.join(dir, 'bad.pem');
    writeFileSync(f, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    const r = await runCli(['a@example.com', '--host', '127.0.0.1', '--ca-file', f, '--no-login']);
    rmSync(dir, { recursive: true, force: true });
    expectExit(r, 2);
    expect(r.stderr).toMatch(/certificate 1 of 1 is not a valid PEM certificate/);
  });

  it('an option value is never echoed in an error (a password typed as --password=… stays hidden)', async () => {
    registerSecret('Typed-By-Mistake-42');
    const r = await runCli(['a@example.com', '--password=Typed-By-Mistake-42']);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/unknown option '--password=…'/);
  });

  it('Ctrl-C during a hanging probe: the partial report still prints, exit 130', async () => {
    const server = net.createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    // Ctrl-C once the probe hangs (connected, TLS unanswered), not at a fixed time a loaded machine may not have reached yet.
    const hanging = new Promise((resolve) => server.once('connection', () => setTimeout(resolve, 200)));
    const r = await runCli(
      [
        'a@example.com',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--security',
        'tls',
        '--timeout',
        '20000',
        '--no-login',
        '--json',
      ],
      { interruptWhen: hanging },
    );
    server.close();
    expectExit(r, 130);
    expect(r.json?.findings.map((f) => f.code)).toContain('RUN_INTERRUPTED');
    expect(r.ms).toBeLessThan(15_000);
  });

  it('--help documents the exit codes; --version prints the version', async () => {
    const h = await runCli(['--help']);
    expectExit(h, 0);
    expect(h.stdout).toMatch(
      /Exit codes:[\s\S]*0 {2}a working configuration[\s\S]*1 {2}a problem[\s\S]*2 {2}usage[\s\S]*3 {2}internal error/,
    );
    const v = await runCli(['--version']);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
