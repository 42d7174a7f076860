/**
 * The pipeline survives its own bugs: a crashing dependency becomes one INTERNAL_ERROR naming the
 * stage, exit 3, the report intact, and no invented evidence (a crash is not a DNS failure, a
 * greeting timeout or a refused login).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli.js';
import { runDoctor } from '../../src/doctor.js';
import type { RunEvent } from '../../src/events.js';
import { defaultRunOptions } from '../../src/options.js';
import { NODE_IO } from '../../src/io.js';
import { startTcpServer, type TcpTestServer } from '../servers/tcp-server.js';

const deps = (over: Partial<Parameters<typeof runDoctor>[1]> = {}): Parameters<typeof runDoctor>[1] => ({
  lookup: async () => {
    throw new Error('must not be called');
  },
  emit: () => {},
  io: NODE_IO,
  version: 'test',
  ...over,
});

describe('runDoctor', () => {
  let server: TcpTestServer;
  let port = 0;
  beforeAll(async () => {
    server = await startTcpServer((s) => s.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n'));
    port = server.port;
  });
  afterAll(() => server.close());

  it('a throwing resolver is one INTERNAL_ERROR in the resolve stage, and no DNS finding is invented', async () => {
    const opts = defaultRunOptions('alice@example.com', {
      host: 'imap.example.com',
      port: 1,
      security: 'tls',
      timeoutMs: 500,
      pinned: {},
    });
    let calls = 0;
    const report = await runDoctor(
      opts,
      deps({
        lookup: async () => {
          calls++;
          throw new TypeError('resolver exploded');
        },
      }),
    );
    expect(calls).toBeGreaterThan(0);
    const internal = report.findings.filter((f) => f.code === 'INTERNAL_ERROR');
    expect(internal).toHaveLength(1);
    expect(internal[0]?.params).toEqual({
      step: 'probe',
      endpoint: 'imap.example.com:1/tls',
      stage: 'resolve',
      error: 'TypeError: resolver exploded',
    });
    expect(internal[0]?.title).toBe('imap-doctor hit an internal error in the resolve stage of imap.example.com:1/tls');
    expect(report.endpoints[0]?.resolve).toMatchObject({
      state: 'failed',
      ms: 0,
      error: { code: 'INTERNAL', message: 'TypeError: resolver exploded' },
    });
    expect(report.endpoints[0]?.resolve).not.toHaveProperty('a');
    expect(report.findings.map((f) => f.code)).not.toContain('DNS_LOOKUP_FAILED');
    expect(report.findings.map((f) => f.code)).not.toContain('DNS_NO_ADDRESS');
    expect(report.endpoints).toHaveLength(1);
    expect(report.verdict.summary.length).toBeGreaterThan(0);
    expect(exitCodeFor(report)).toBe(3);
  });

  it('a crash in the greeting stage keeps the connect evidence and names the stage; nothing about the greeting is invented', async () => {
    const opts = defaultRunOptions('alice@example.com', {
      host: '127.0.0.1',
      port,
      security: 'starttls',
      timeoutMs: 2000,
    });
    const report = await runDoctor(
      opts,
      deps({
        emit: (e: RunEvent) => {
          if (e.kind === 'stage' && e.stage === 'greeting' && e.state === 'start')
            throw new RangeError('greeting parser bug');
        },
      }),
    );
    const codes = report.findings.map((f) => f.code);
    expect(codes.filter((c) => c === 'INTERNAL_ERROR')).toHaveLength(1);
    expect(report.findings.find((f) => f.code === 'INTERNAL_ERROR')?.params).toMatchObject({
      step: 'probe',
      stage: 'greeting',
      endpoint: `127.0.0.1:${port}/starttls`,
      address: '127.0.0.1',
      error: 'RangeError: greeting parser bug',
    });
    for (const invented of [
      'DNS_LOOKUP_FAILED',
      'GREETING_TIMEOUT',
      'CONN_CLOSED_BEFORE_GREETING',
      'GREETING_NOT_IMAP',
      'STARTTLS_FAILED',
    ])
      expect(codes).not.toContain(invented);
    const stages = report.endpoints[0]?.addresses[0]?.stages ?? [];
    expect(stages.find((s) => s.stage === 'tcp')?.state).toBe('ok');
    expect(stages.find((s) => s.stage === 'greeting')).toMatchObject({ state: 'failed', error: { code: 'INTERNAL' } });
    expect(
      stages
        .filter((s) => s.stage !== 'tcp' && s.stage !== 'greeting')
        .every((s) => s.state === 'skipped' && s.blockedBy === 'greeting'),
    ).toBe(true);
    expect(exitCodeFor(report)).toBe(3);
  });

  it('an IP literal needs no lookup and is probed (refused on a closed loopback port)', async () => {
    const opts = defaultRunOptions('alice@example.com', {
      host: '127.0.0.1',
      port: 1,
      security: 'tls',
      timeoutMs: 1000,
    });
    const report = await runDoctor(opts, deps());
    expect(report.findings[0]?.code).toBe('TCP_REFUSED');
    expect(exitCodeFor(report)).toBe(1);
  });
});
