/**
 * What each command loads from the built dist/ (scripts/build.mjs): --version nothing; every other command
 * the command line's bundle dist/cli.cjs, compiled with its code cache (which must fit the Node that built
 * it: a rejected cache silently costs every run its compile time); the early DNS queries' module only with
 * an address; and the files of dist/vendor/ only where they are needed: imapflow only for a second session,
 * the schema validator only for show and diff. Every file a run requires and every script it compiles is
 * logged by a preload (test/helpers/load-log.cjs). The same preload logs the worker threads and child
 * processes started: the deadline backstop's watchdog (/bin/sh; no worker thread) and the lookup helper
 * belong to a diagnosis (and the helper to one that looks a name up), never to --version, --help,
 * completion, explain, show or diff.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labOrSkip } from '../servers/require.js';
import { BIN, ROOT, registerSecret, secretForms } from './cli-runner.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HOOK = path.join(ROOT, 'test/helpers/load-log.cjs');
/** A diagnosis without a login of port 9 (discard) on loopback: closed here, and whatever answered there, no login would be tried. */
const CLOSED_PORT_RUN = ['alice@example.test', '--host', '127.0.0.1', '--port', '9', '--no-login', '--timeout', '300'];

/**
 * Runs the CLI and returns the dist/ files it required (vendor files by name), whether it compiled
 * dist/cli.cjs and what became of its code cache, and the worker threads and processes it started.
 */
async function loaded(
  args: string[],
  env: Record<string, string> = {},
  bin = BIN,
): Promise<{
  vendor: string[];
  entry: 'none' | 'accepted' | 'rejected' | undefined;
  /** What became of dist/early.cjs's code cache, when it was loaded. */
  early: 'none' | 'accepted' | 'rejected' | undefined;
  code: number;
  stdout: string;
  workers: number;
  spawned: string[];
}> {
  const log = path.join(dir, `${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const child = spawn(process.execPath, ['--require', HOOK, bin, ...args], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', LOAD_LOG: log, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const root = path.resolve(path.dirname(bin), '..');
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const files = lines.filter((l) => l.startsWith('file:')).map((l) => path.relative(root, l.slice('file:'.length)));
  /** What a `script:` line says of a bundle's code cache (undefined: not compiled). */
  const cacheOf = (file: string) =>
    lines.find((l) => l.startsWith(`script:${path.join(root, file)} `))?.split(' ')[1] as
      'none' | 'accepted' | 'rejected' | undefined;
  return {
    vendor: files.filter((f) => f.startsWith('dist/vendor/')).map((f) => path.basename(f, '.cjs')),
    entry: cacheOf('dist/cli.cjs'),
    early: cacheOf('dist/early.cjs'),
    code,
    stdout,
    workers: lines.filter((l) => l === 'worker:').length,
    spawned: lines.filter((l) => l.startsWith('spawn:')).map((l) => l.slice('spawn:'.length)),
  };
}

const NOTHING = { workers: 0, spawned: [] as string[] };

describe('start-up: each command loads what it needs of dist/', () => {
  it('--version alone loads nothing of dist/ (bin/ answers it); with more arguments the command line, with its code cache', async () => {
    const r = await loaded(['--version']);
    expect(r.code).toBe(0);
    expect({ entry: r.entry, early: r.early, vendor: r.vendor }).toEqual({
      entry: undefined,
      early: undefined,
      vendor: [],
    });
    expect({ workers: r.workers, spawned: r.spawned }, 'no backstop, no lookup helper').toEqual(NOTHING);
    const more = await loaded(['--version', '--no-color']);
    expect(more.code).toBe(0);
    expect(more.entry, 'dist/cli.cache fits dist/cli.cjs and this Node').toBe('accepted');
    expect(more.vendor).toEqual([]);
    expect({ workers: more.workers, spawned: more.spawned }, 'no backstop, no lookup helper').toEqual(NOTHING);
  });

  it('--help, completion and explain load no vendor file and start no backstop and no lookup helper', async () => {
    const help = await loaded(['--help']);
    expect(help.code).toBe(0);
    expect(help.early, 'no early DNS queries (src/early.ts) without an address').toBeUndefined();
    for (const r of [help, await loaded(['completion', 'bash']), await loaded(['explain', 'TLS_CERT_EXPIRED'])]) {
      expect(r.code).toBe(0);
      expect({ entry: r.entry, vendor: r.vendor, workers: r.workers, spawned: r.spawned }).toEqual({
        entry: 'accepted',
        vendor: [],
        ...NOTHING,
      });
    }
  });

  it('show --rejudge loads the schema validator, not imapflow, and starts no backstop and no lookup helper', async () => {
    const r = await loaded(['show', '--rejudge', path.join(ROOT, 'test/corpus/expired.evidence.json')]);
    expect(r.code).toBe(1);
    expect(r.vendor).toEqual(['json-schema']);
    expect({ workers: r.workers, spawned: r.spawned }, 'no backstop, no lookup helper').toEqual(NOTHING);
  });

  it('diff and show --format html start no backstop and no lookup helper, and load no imapflow', async () => {
    const report = path.join(dir, 'report.json');
    const saved = spawnSync(
      process.execPath,
      [BIN, 'show', '--rejudge', path.join(ROOT, 'test/corpus/expired.evidence.json'), '--json'],
      { encoding: 'utf8' },
    ).stdout;
    writeFileSync(report, saved);
    for (const args of [
      ['diff', report, report],
      ['show', report, '--format', 'html'],
    ]) {
      const r = await loaded(args);
      expect(r.code, args.join(' ')).toBe(args[0] === 'diff' ? 0 : 1);
      expect(r.vendor, args.join(' ')).not.toContain('imapflow');
      expect({ workers: r.workers, spawned: r.spawned }, `${args.join(' ')}: no backstop, no lookup helper`).toEqual(
        NOTHING,
      );
    }
  });

  it("a diagnosis without a login loads the early queries' module and no vendor file (no spinner off a terminal)", async () => {
    const r = await loaded(CLOSED_PORT_RUN);
    expect(r.code).toBe(1);
    expect(r.entry).toBe('accepted');
    expect(r.vendor).toEqual([]);
    // An address: the early DNS queries' module decides (and sends nothing for --host).
    expect(r.early).toBe('accepted');
    // The deadline backstop's watchdog guards every diagnosis, without a second Node environment (no
    // worker thread); nothing needed getaddrinfo (an IP address), so no helper.
    expect({ workers: r.workers, spawned: r.spawned }).toEqual({ workers: 0, spawned: ['/bin/sh'] });
  });

  const lab = labOrSkip('dovecot (start-up files)');
  it.skipIf(!lab)(
    'a password login over the probed connection (SASL-IR) loads no imapflow; a second session (--sessions 2) does',
    async () => {
      if (!lab) return;
      registerSecret(...secretForms(lab.password, lab.users.alice));
      const args = [
        lab.users.alice,
        '--host',
        lab.hostname,
        '--resolve',
        `${lab.hostname}=${lab.hosts.good}`,
        '--port',
        '993',
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        '3000',
      ];
      const r = await loaded(args, { IMAP_DOCTOR_PASSWORD: lab.password });
      expect(r.code).toBe(0);
      expect(r.vendor).toEqual([]);
      const two = await loaded([...args, '--sessions', '2'], { IMAP_DOCTOR_PASSWORD: lab.password });
      expect(two.code).toBe(0);
      expect(two.vendor).toEqual(['imapflow']);
    },
  );
});

describe('start-up: the code cache of dist/cli.cjs', () => {
  // A copy of the package, whose cache can be spoilt without touching the dist/ the other tests run. Its
  // files keep their times: a cache older than its bundle is not offered (src/load.ts), and a plain copy
  // would date each file by when it was copied.
  const copy = path.join(dir, 'package');
  for (const part of ['bin', 'dist', 'docs', 'package.json'])
    cpSync(path.join(ROOT, part), path.join(copy, part), { recursive: true, preserveTimestamps: true });
  const bin = path.join(copy, path.relative(ROOT, BIN));
  const cache = path.join(copy, 'dist/cli.cache');
  const commandCache = path.join(copy, 'dist/cli.command.cache');
  const diagnosis = [...CLOSED_PORT_RUN, '--json'];
  /** What a report says, without the times that differ from run to run. */
  const verdict = (stdout: string) => {
    const r = JSON.parse(stdout) as { verdict: unknown; findings: Array<{ code: string; explanation: string }> };
    return { verdict: r.verdict, findings: r.findings.map((f) => f.code) };
  };

  it('a corrupt cache is rejected by V8 and the run is the same as with the cache the build made', async () => {
    const good = await loaded(diagnosis, {}, bin);
    expect(good.entry).toBe('accepted');
    writeFileSync(cache, Buffer.from('a planted or damaged code cache'), { mode: 0o644 });
    const bad = await loaded(diagnosis, {}, bin);
    expect(bad.entry).toBe('rejected');
    expect(bad.code).toBe(good.code);
    expect(verdict(bad.stdout)).toEqual(verdict(good.stdout));
    // --help takes the commands' cache (src/load.ts), spoilt the same way.
    writeFileSync(commandCache, Buffer.from('a planted or damaged code cache'), { mode: 0o644 });
    const help = await loaded(['--help'], {}, bin);
    expect({ code: help.code, entry: help.entry }).toEqual({ code: 0, entry: 'rejected' });
    expect(help.stdout).toContain('Usage: imap-doctor');
  });

  it('a cache that others may write is not even offered to V8, and the run goes on without it', async () => {
    cpSync(path.join(ROOT, 'dist/cli.command.cache'), commandCache);
    chmodSync(commandCache, 0o666);
    const r = await loaded(['--help'], {}, bin);
    expect({ code: r.code, entry: r.entry }).toEqual({ code: 0, entry: 'none' });
    chmodSync(commandCache, 0o644);
    expect((await loaded(['--help'], {}, bin)).entry).toBe('accepted');
  });
});
