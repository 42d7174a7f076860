/**
 * Nothing outlasts the deadline (LIMITS.backstopGraceMs): the real CLI against a silent loopback
 * server, with a preload that blocks the main thread (as the XML ReDoS did) or one that makes every
 * abort listener deaf (a run stuck while the main thread is free). Either way the backstop prints the
 * report of what was known and ends the process; only one report is ever printed.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import type { Report } from '../../src/model/report.js';
import { BIN, ROOT } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const PRELOAD = path.join(ROOT, 'test/fixtures/preload');
const DEADLINE = 1000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

/** The CLI with a preload; killed by the test only after 30 s (the backstop must end it long before). */
function runWith(preload: string, args: string[], env: Record<string, string> = {}): Promise<Ended> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', path.join(PRELOAD, preload), BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - t0) });
    }),
  );
}

describe('the deadline backstop', () => {
  let silent: net.Server;
  let port = 0;
  const open = new Set<net.Socket>();
  beforeAll(async () => {
    silent = net.createServer((s) => {
      open.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    port = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await new Promise((r) => silent.close(r));
  });
  const args = () => ['alice@example.com', '--host', '127.0.0.1', '--port', String(port), '--security', 'starttls', '--no-login', '--timeout', '20000', '--deadline', String(DEADLINE), '--json'];

  it(`prints the report and ends the process at --deadline + ${LIMITS.backstopGraceMs} ms while the main thread is blocked`, async () => {
    const r = await runWith('block-main.mjs', args(), { BLOCK_AFTER_MS: '200' });
    // Blocked: the worker ends the process itself (SIGTERM) right after printing.
    expect(r.signal ?? r.code).toBe(r.signal ? 'SIGTERM' : 143);
    expect(r.ms).toBeLessThan(25_000);
    const report = JSON.parse(r.stdout) as Report;
    expect(schemaErrors(report)).toBeNull();
    const internal = report.findings.find((f) => f.code === 'INTERNAL_ERROR');
    expect(internal?.params).toMatchObject({ error: 'the run did not end within its deadline' });
    expect(String(internal?.params.where)).toMatch(/^the run \(still in (probing|.*127\.0\.0\.1)/);
    expect(report.endpoints.length + report.candidates.length).toBeGreaterThan(0);
  });

  it('ends a run stuck with a free main thread the same way, with exit code 3 and one report', async () => {
    const r = await runWith('deaf-signals.mjs', args());
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(25_000);
    const report = JSON.parse(r.stdout) as Report;
    expect(schemaErrors(report)).toBeNull();
    expect(report.findings.map((f) => f.code)).toContain('INTERNAL_ERROR');
  });
});
