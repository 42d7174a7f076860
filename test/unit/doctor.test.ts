/** The pipeline survives its own bugs: a crashing dependency becomes INTERNAL_ERROR, exit 3, report intact. */
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli.js';
import { runDoctor } from '../../src/doctor.js';
import { defaultRunOptions } from '../../src/options.js';

describe('runDoctor', () => {
  it('a throwing resolver dependency is reported as INTERNAL_ERROR, other endpoints still probed', async () => {
    const opts = defaultRunOptions('alice@example.com', { host: 'imap.example.com', port: 1, security: 'tls', timeoutMs: 500, pinned: {} });
    let calls = 0;
    const report = await runDoctor(opts, {
      lookup: async () => {
        calls++;
        throw new TypeError('resolver exploded');
      },
      emit: () => {},
      now: () => new Date(),
      version: 'test',
    });
    expect(calls).toBeGreaterThan(0);
    const internal = report.findings.find((f) => f.code === 'INTERNAL_ERROR');
    expect(internal?.params.error).toBe('TypeError: resolver exploded');
    expect(internal?.params.where).toBe('probe of imap.example.com:1');
    expect(report.endpoints).toHaveLength(1);
    expect(report.verdict.summary.length).toBeGreaterThan(0);
    expect(exitCodeFor(report)).toBe(3);
  });

  it('an IP literal needs no lookup and is probed (refused on a closed loopback port)', async () => {
    const opts = defaultRunOptions('alice@example.com', { host: '127.0.0.1', port: 1, security: 'tls', timeoutMs: 1000 });
    const report = await runDoctor(opts, {
      lookup: async () => {
        throw new Error('must not be called');
      },
      emit: () => {},
      now: () => new Date(),
      version: 'test',
    });
    expect(report.findings[0]?.code).toBe('TCP_REFUSED');
    expect(exitCodeFor(report)).toBe(1);
  });
});
