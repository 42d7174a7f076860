/**
 * Nothing outlasts the deadline (LIMITS.backstopGraceMs): the real CLI against a silent loopback
 * server, with a preload that blocks the main thread (as the XML ReDoS did) or one that makes every
 * abort listener deaf (a run stuck while the main thread is free). Either way the backstop prints the
 * report of what was known and ends the process; only one report is ever printed.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import type { Report } from '../../src/model/report.js';
import { startTcpServer, type TcpTestServer } from '../servers/tcp-server.js';
import { ROOT, runCli } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const PRELOAD = path.join(ROOT, 'test/fixtures/preload');
const DEADLINE = 1000;

describe('the deadline backstop', () => {
  let silent: TcpTestServer;
  let port = 0;
  beforeAll(async () => {
    silent = await startTcpServer();
    port = silent.port;
  });
  afterAll(() => silent.close());
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
});
