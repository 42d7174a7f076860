/**
 * The early DNS queries' allow-list (src/early.ts): which command lines start them — the plain diagnosis
 * of one address, with options that change nothing before discovery's first questions and values the
 * command line accepts — and which never do.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { earlyPlan } from '../../src/early.js';

const DNS = ['--dns', '127.0.0.1:5353'];
const ENV = { IMAP_DOCTOR_PASSWORD: 'pw' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('earlyPlan', () => {
  it("sends discovery's first questions, as its resolver asks them, to the first --dns server", () => {
    const plan = earlyPlan(['Alice@Example.COM', ...DNS, '--dns', '127.0.0.2'], ENV, true);
    expect(plan?.server).toBe('127.0.0.1:5353');
    expect(plan?.questions).toEqual([
      { name: '', type: 'NS', edns: true },
      { name: 'example.com', type: 'MX', edns: true },
      { name: '_imaps._tcp.example.com', type: 'SRV', edns: true },
      { name: '_imap._tcp.example.com', type: 'SRV', edns: true },
      { name: '_submissions._tcp.example.com', type: 'SRV', edns: true },
      { name: '_submission._tcp.example.com', type: 'SRV', edns: true },
      { name: '_autodiscover._tcp.example.com', type: 'SRV', edns: true },
    ]);
  });

  it("with --host, the host's A and AAAA (the last --host, as the command line takes it)", () => {
    const argv = ['a@example.com', ...DNS, '--host', 'x.test', '--host', 'IMAP.Example.COM.', '--port', '993'];
    expect(earlyPlan([...argv, '--security', 'starttls'], ENV, false)?.questions).toEqual([
      { name: 'imap.example.com', type: 'A', edns: true },
      { name: 'imap.example.com', type: 'AAAA', edns: true },
    ]);
  });

  it.each([
    [['alice@example.com', ...DNS]],
    [['alice@example.com', '--dns=[::1]:53', '--json']],
    [['--json', 'alice@example.com', ...DNS, '--verbose', '--no-color', '--redact', '--transcript']],
    [['alice@example.com', ...DNS, '--timeout', '50', '--deadline=3600000', '--user', 'bob']],
    [['alice@example.com', ...DNS, '--ispdb-url', 'https://ispdb.test/', '--no-ispdb', '--guess']],
    [['alice@example.com', ...DNS, '--save-evidence', path.join(dir, 'evidence.json')]],
    [['alice@bücher.example', ...DNS, '--quiet', '--include-evidence', '--send-address']],
  ])('starts for %j', (argv) => {
    expect(earlyPlan(argv, ENV, true)).toBeDefined();
  });

  it.each([
    ['no address', [...DNS]],
    ['two addresses', ['a@example.com', 'b@example.com', ...DNS]],
    ['not an address', ['example.com', ...DNS]],
    ['an IP as the domain', ['a@192.0.2.1', ...DNS]],
    ['a subcommand', ['explain', 'TLS_CERT_EXPIRED']],
    ['show', ['show', 'report.json']],
    ['publish', ['publish', 'example.com', ...DNS]],
    ['completion', ['completion', 'bash']],
    ['--help', ['alice@example.com', '--help']],
    ['-h', ['alice@example.com', '-h']],
    ['--version', ['alice@example.com', '--version']],
    ['--batch', ['--batch', 'list.txt', ...DNS]],
    ['--host with an IP address (no DNS)', ['alice@example.com', ...DNS, '--host', '192.0.2.1']],
    ['--host that is no host name', ['alice@example.com', ...DNS, '--host', 'imap example']],
    ['--port without --host (a usage error)', ['alice@example.com', ...DNS, '--port', '993']],
    ['--security without --host (a usage error)', ['alice@example.com', ...DNS, '--security', 'tls']],
    ['--port out of range', ['alice@example.com', ...DNS, '--host', 'imap.example.com', '--port', '0']],
    ['an unknown --security', ['alice@example.com', ...DNS, '--host', 'imap.example.com', '--security', 'ssl']],
    ['--resolve', ['alice@example.com', ...DNS, '--resolve', 'a=192.0.2.1']],
    ['--no-private', ['alice@example.com', ...DNS, '--no-private']],
    ['--format', ['alice@example.com', ...DNS, '--format', 'json']],
    ['--oauth-discover', ['alice@example.com', ...DNS, '--oauth-discover']],
    ['an unknown option', ['alice@example.com', ...DNS, '--frobnicate']],
    ['--', ['--', 'alice@example.com', ...DNS]],
    ['--verbose with --quiet (a usage error)', ['alice@example.com', ...DNS, '--verbose', '--quiet']],
    ['a bad --dns', ['alice@example.com', '--dns', 'resolver.example']],
    ['--dns without its value', ['alice@example.com', '--dns']],
    ['--dns followed by an option', ['alice@example.com', '--dns', '--json']],
    ['a --timeout out of range', ['alice@example.com', ...DNS, '--timeout', '49']],
    ['a --timeout that is no number', ['alice@example.com', ...DNS, '--timeout', '1e3']],
    ['a --deadline out of range', ['alice@example.com', ...DNS, '--deadline', '3600001']],
    ['a bad --ispdb-url', ['alice@example.com', ...DNS, '--ispdb-url', 'ftp://x.test/']],
    ['a --ca-file that cannot be read', ['alice@example.com', ...DNS, '--ca-file', path.join(dir, 'missing.pem')]],
    ['a --save-evidence into no directory', ['alice@example.com', ...DNS, '--save-evidence', '/nonexistent/x/e.json']],
    ['a --save-evidence that is a directory', ['alice@example.com', ...DNS, '--save-evidence', dir]],
  ])('never starts for %s', (_why, argv) => {
    expect(earlyPlan(argv, ENV, false)).toBeUndefined();
  });

  it('a --ca-file without a valid certificate stops it, as the command line would refuse it', () => {
    const bad = path.join(dir, 'bad.pem');
    writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(earlyPlan(['alice@example.com', ...DNS, '--ca-file', bad], ENV, false)).toBeUndefined();
  });

  it('never before a password prompt: a terminal on stdin, no secret in the env and the login on', () => {
    const argv = ['alice@example.com', ...DNS];
    expect(earlyPlan(argv, {}, true)).toBeUndefined();
    expect(earlyPlan(argv, { IMAP_DOCTOR_OAUTH_TOKEN: '' }, true)).toBeUndefined();
    expect(earlyPlan(argv, {}, false)).toBeDefined();
    expect(earlyPlan([...argv, '--no-login'], {}, true)).toBeDefined();
    expect(earlyPlan(argv, { IMAP_DOCTOR_PASSWORD: '' }, true)).toBeDefined();
    expect(earlyPlan(argv, { IMAP_DOCTOR_OAUTH_TOKEN: 't' }, true)).toBeDefined();
  });
});
