/**
 * Nothing outlasts the deadline (LIMITS.backstopGraceMs): the real CLI against a silent loopback
 * server, with a preload that blocks the main thread (as the XML ReDoS did) or one that makes every
 * abort listener deaf (a run stuck while the main thread is free). Either way the backstop prints the
 * report of what was known and ends the process; only one report is ever printed. A blocked main
 * thread is ended by the watchdog process (a batch's: a worker thread), which never outlives the run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import type { Report } from '../../src/model/report.js';
import { startTcpServer, type TcpTestServer } from '../servers/tcp-server.js';
import { BIN, ROOT, runCli } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const PRELOAD = path.join(ROOT, 'test/fixtures/preload');
const DEADLINE = 1000;

/** Processes (other than this one) whose command line names `text`: a watchdog names its scratch directory. */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(text) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd.replace(/\0/g, ' ')}`);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/** The processes naming `text` a moment after the run ended (a watchdog leaves when it reads the end of its pipe). */
async function leftNaming(text: string): Promise<string[]> {
  for (let i = 0; i < 40 && processesNaming(text).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  return processesNaming(text);
}

/** The CLI with its own TMPDIR (where the backstop keeps its scratch directory); stdout closed or collected. */
function spawnOwn(args: string[], o: { tmp: string; preload?: string; closeStdout?: boolean }) {
  const child = spawn(process.execPath, [...(o.preload ? ['--import', o.preload] : []), BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', TMPDIR: o.tmp, BLOCK_AFTER_MS: '200' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const t0 = performance.now();
  let stdout = '';
  if (o.closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  // 'close': the process ended and every holder of its stdout (a watchdog too) closed it.
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stdout: string }>((r) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      r({ code, signal, ms: performance.now() - t0, stdout });
    }),
  );
  return { child, closed };
}

/** What a run left in its TMPDIR, apart from Node's own compile cache (Node 22.1 and later; bin/ turns it on). */
const leftIn = (dir: string): string[] => readdirSync(dir).filter((n) => n !== 'node-compile-cache');

describe('the deadline backstop', () => {
  let silent: TcpTestServer;
  let port = 0;
  beforeAll(async () => {
    silent = await startTcpServer();
    port = silent.port;
  });
  afterAll(() => silent.close());
  let tmp = '';
  beforeEach(() => void (tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-backstop-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));
  const args = () => [
    'alice@example.com',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--security',
    'starttls',
    '--no-login',
    '--timeout',
    '20000',
    '--deadline',
    String(DEADLINE),
    '--json',
  ];

  it(`prints the report and ends the process at --deadline + ${LIMITS.backstopGraceMs} ms while the main thread is blocked`, async () => {
    const r = await runCli(args(), {
      preload: path.join(PRELOAD, 'block-main.mjs'),
      env: { BLOCK_AFTER_MS: '200' },
      timeoutMs: 30_000,
    });
    // Blocked: the worker ends the process itself (SIGTERM) right after printing.
    expect(r.signal).toBe('SIGTERM');
    expect(r.ms).toBeLessThan(25_000);
    const report = r.json as Report;
    expect(schemaErrors(report)).toBeNull();
    const internal = report.findings.find((f) => f.code === 'INTERNAL_ERROR');
    expect(internal?.params).toMatchObject({ error: 'the run did not end within its deadline' });
    expect(internal?.params).toMatchObject({ step: 'backstop', graceS: LIMITS.backstopGraceMs / 1000 });
    expect(String(internal?.title)).toMatch(/the run \(still in (probing|.*127\.0\.0\.1)/);
    expect(report.endpoints.length + report.candidates.length).toBeGreaterThan(0);
  });

  it('ends a run stuck with a free main thread the same way, with exit code 3 and one report', async () => {
    const r = await runCli(args(), { preload: path.join(PRELOAD, 'deaf-signals.mjs'), timeoutMs: 30_000 });
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(25_000);
    const report = r.json as Report;
    expect(schemaErrors(report)).toBeNull();
    expect(report.findings.map((f) => f.code)).toContain('INTERNAL_ERROR');
  });

  it('a blocked run saves the evidence of what was known too, and leaves no watchdog and no scratch directory', async () => {
    const file = path.join(tmp, 'evidence.json');
    const r = await runCli([...args(), '--save-evidence', file], {
      preload: path.join(PRELOAD, 'block-main.mjs'),
      env: { BLOCK_AFTER_MS: '200', TMPDIR: tmp },
      timeoutMs: 30_000,
    });
    expect(r.signal).toBe('SIGTERM');
    expect((r.json as Report).findings.map((f) => f.code)).toContain('INTERNAL_ERROR');
    const evidence = JSON.parse(readFileSync(file, 'utf8')) as { evidenceVersion: number; address: string };
    expect(evidence).toMatchObject({ address: 'alice@example.com' });
    expect(evidence.evidenceVersion).toBeGreaterThan(0);
    expect(leftIn(tmp)).toEqual(['evidence.json']);
    expect(await leftNaming(tmp)).toEqual([]);
  });

  it('a blocked run whose stdout is closed is still ended (SIGTERM), and its watchdog with it', async () => {
    const { closed } = spawnOwn(args(), { tmp, preload: path.join(PRELOAD, 'block-main.mjs'), closeStdout: true });
    const r = await closed;
    expect(r.signal).toBe('SIGTERM');
    expect(r.ms).toBeLessThan(25_000);
    expect(await leftNaming(tmp)).toEqual([]);
    // The watchdog removed the scratch directory before it left.
    expect(leftIn(tmp)).toEqual([]);
  });

  it('the watchdog never outlives the run: a run that ends, or is killed (SIGKILL) before its deadline, leaves nothing behind and nothing printed', async () => {
    // Port 9 of 127.0.0.1: refused, so the run ends at once with its own report.
    const ended = await spawnOwn(['alice@example.com', '--host', '127.0.0.1', '--port', '9', '--no-login'], { tmp })
      .closed;
    expect(ended.code).toBe(1);
    expect(ended.stdout.length).toBeGreaterThan(0);
    // The watchdog holds the run's stdout too: the pipe closed, so it is gone already.
    expect(processesNaming(tmp)).toEqual([]);
    expect(leftIn(tmp)).toEqual([]);
    // Killed before the backstop could act (no exit handler runs): the watchdog reads the end of its pipe
    // and leaves without acting; had it stayed, it would have printed its report at the deadline.
    const stuck = spawnOwn(args(), { tmp });
    // Killed as soon as its watchdog runs, long before the deadline it was told.
    for (let i = 0; i < 500 && processesNaming(tmp).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(processesNaming(tmp).length, 'the watchdog runs beside the run').toBeGreaterThan(0);
    stuck.child.kill('SIGKILL');
    const killed = await stuck.closed;
    expect(killed.stdout).toBe('');
    expect(processesNaming(tmp)).toEqual([]);
    expect(leftIn(tmp)).toEqual([]);
  });

  it('a batch whose main thread blocks is ended (SIGTERM) by its own backstop (a worker thread), with one report', async () => {
    const list = path.join(tmp, 'list.txt');
    writeFileSync(list, 'alice@example.com\nbob@example.com\n');
    const r = await runCli(
      [
        '--batch',
        list,
        ...args()
          .slice(1)
          .filter((a) => a !== '--json'),
      ],
      { preload: path.join(PRELOAD, 'block-main.mjs'), env: { BLOCK_AFTER_MS: '200' }, timeoutMs: 30_000 },
    );
    expect(r.signal).toBe('SIGTERM');
    expect(r.ms).toBeLessThan(25_000);
    expect(r.stdout.match(/imap-doctor: the run did not finish within its deadline/g)).toHaveLength(1);
  });
});
