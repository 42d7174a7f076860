/**
 * What each command loads from the built dist/ (scripts/build.mjs): --version only the command line;
 * explain, show and a diagnosis their own lazy chunks and nothing of the others; imapflow only when a
 * login is tried. Every module file a run loads is logged by node:module hooks. A static import
 * added in the wrong place pulls a chunk into a command that does not need it and fails here.
 * The same preload logs the worker threads and child processes started: the deadline backstop's
 * watchdog (/bin/sh; no worker thread) and the lookup helper belong to a diagnosis (and the helper to
 * one that looks a name up), never to --version, --help, completion, explain, show or diff.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labOrSkip } from '../servers/require.js';
import { BIN, ROOT, registerSecret, secretForms } from './cli-runner.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HOOK = path.join(ROOT, 'test/helpers/load-log.mjs');

/** The lazy chunks, by the module each one starts from (esbuild names them so). */
const LAZY = [
  'cli-run',
  'judge',
  'format',
  'explain',
  'catalogue',
  'command',
  'imap-flow',
  'parse-autoconfig',
  'parse-autodiscover',
  'ora',
  'esm',
] as const;

/** Bytes of JavaScript in dist/ (entry and chunks). */
function distBytes(files?: string[]): number {
  const all = [
    'dist/cli.js',
    ...readdirSync(path.join(ROOT, 'dist/chunks'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `dist/chunks/${f}`),
  ];
  return all.filter((f) => !files || files.includes(f)).reduce((n, f) => n + statSync(path.join(ROOT, f)).size, 0);
}

/**
 * Runs the CLI and returns the lazy chunks it loaded, whether it loaded dist/cli.js, and the share of
 * dist/'s JavaScript it loaded: a static import in the wrong place merges a lazy chunk into one that
 * always loads, which only the share shows.
 */
async function loaded(
  args: string[],
  env: Record<string, string> = {},
): Promise<{
  chunks: string[];
  entry: boolean;
  early: boolean;
  share: number;
  code: number;
  workers: number;
  spawned: string[];
}> {
  const log = path.join(dir, `${Math.random().toString(36).slice(2)}.log`);
  const child = spawn(process.execPath, ['--import', HOOK, BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', LOAD_LOG: log, ...env },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const files = lines.filter((l) => l.startsWith('file:')).map((u) => path.relative(ROOT, new URL(u).pathname));
  const chunks = LAZY.filter((name) => files.some((f) => new RegExp(`^dist/chunks/${name}-[A-Z0-9]+\\.js$`).test(f)));
  const workers = lines.filter((l) => l === 'worker:').length;
  const spawned = lines.filter((l) => l.startsWith('spawn:')).map((l) => l.slice('spawn:'.length));
  return {
    chunks: [...chunks],
    entry: files.includes('dist/cli.js'),
    early: files.includes('dist/early.js'),
    share: distBytes(files) / distBytes(),
    code,
    workers,
    spawned,
  };
}

describe('start-up: each command loads its own chunks', () => {
  it('--version alone loads nothing of dist/ (bin/ answers it); with more arguments the command line alone', async () => {
    const r = await loaded(['--version']);
    expect(r.code).toBe(0);
    expect(r.entry).toBe(false);
    expect(r.share).toBe(0);
    expect({ workers: r.workers, spawned: r.spawned }, 'no backstop, no lookup helper').toEqual({
      workers: 0,
      spawned: [],
    });
    const more = await loaded(['--version', '--no-color']);
    expect(more.code).toBe(0);
    expect(more.entry).toBe(true);
    expect(more.chunks).toEqual([]);
    // commander and the option definitions: about 5 % of dist/ today.
    expect(more.share).toBeLessThan(0.1);
    expect({ workers: more.workers, spawned: more.spawned }, 'no backstop, no lookup helper').toEqual({
      workers: 0,
      spawned: [],
    });
  });

  it("--help and completion start no backstop and no lookup helper; completion loads the catalogue alone (for explain's codes)", async () => {
    const help = await loaded(['--help']);
    expect(help.code).toBe(0);
    expect(help.early, 'no early DNS queries (src/early.ts) without an address').toBe(false);
    expect({ chunks: help.chunks, workers: help.workers, spawned: help.spawned }).toEqual({
      chunks: [],
      workers: 0,
      spawned: [],
    });
    const completion = await loaded(['completion', 'bash']);
    expect(completion.code).toBe(0);
    expect({ chunks: completion.chunks, workers: completion.workers, spawned: completion.spawned }).toEqual({
      chunks: ['catalogue'],
      workers: 0,
      spawned: [],
    });
  });

  it('explain loads the catalogue and its renderer, not the diagnosis', async () => {
    const r = await loaded(['explain', 'TLS_CERT_EXPIRED']);
    expect(r.code).toBe(0);
    expect(r.chunks).toEqual(['explain', 'catalogue']);
    expect({ workers: r.workers, spawned: r.spawned }, 'no backstop, no lookup helper').toEqual({
      workers: 0,
      spawned: [],
    });
  });

  it('show --rejudge loads show (with its judging and renderers) and the schema validator, not the diagnosis or imapflow', async () => {
    const r = await loaded(['show', '--rejudge', path.join(ROOT, 'test/corpus/expired.evidence.json')]);
    expect(r.code).toBe(1);
    expect(r.chunks).toEqual(['command', 'esm']);
    expect({ workers: r.workers, spawned: r.spawned }, 'no backstop, no lookup helper').toEqual({
      workers: 0,
      spawned: [],
    });
  });

  it('diff and show --format html load show, and start no backstop and no lookup helper', async () => {
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
      expect(r.chunks, args.join(' ')).toContain('command');
      expect(r.chunks, args.join(' ')).not.toContain('cli-run');
      expect({ workers: r.workers, spawned: r.spawned }, `${args.join(' ')}: no backstop, no lookup helper`).toEqual({
        workers: 0,
        spawned: [],
      });
    }
  });

  it('a diagnosis without a login loads the pipeline, the judging and a renderer; no imapflow, no XML parser with --host', async () => {
    // Port 9 (discard): closed here, and whatever answered there, no login would be tried.
    const r = await loaded([
      'alice@example.test',
      '--host',
      '127.0.0.1',
      '--port',
      '9',
      '--no-login',
      '--timeout',
      '300',
    ]);
    expect(r.code).toBe(1);
    expect(r.chunks).toEqual(['cli-run', 'judge', 'format']);
    // An address: the early DNS queries' module decides (and sends nothing for --host).
    expect(r.early).toBe(true);
    // imapflow (with its charset tables) is over half of dist/.
    expect(r.share).toBeLessThan(0.5);
    // The deadline backstop's watchdog guards every diagnosis, without a second Node environment (no
    // worker thread); nothing needed getaddrinfo (an IP address), so no helper.
    expect({ workers: r.workers, spawned: r.spawned }).toEqual({ workers: 0, spawned: ['/bin/sh'] });
  });

  const lab = labOrSkip('dovecot (start-up chunks)');
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
      expect(r.chunks).toEqual(['cli-run', 'judge', 'format']);
      const two = await loaded([...args, '--sessions', '2'], { IMAP_DOCTOR_PASSWORD: lab.password });
      expect(two.code).toBe(0);
      expect(two.chunks).toEqual(['cli-run', 'judge', 'format', 'imap-flow']);
    },
  );
});
