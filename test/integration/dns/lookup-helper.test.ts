/**
 * The getaddrinfo helper process: answers like dns.lookup (addresses, or an error with its code so the
 * classification stays the same), many lookups at once, and close() ends the child. That a stuck lookup
 * no longer holds the process is proven end to end in test/e2e/no-private.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLookupHelper, helperEnv } from '../../../src/dns/lookup-helper.js';
import { lookupHost } from '../../../src/dns/system-resolver.js';

describe('the lookup helper', () => {
  it('answers like dns.lookup, concurrently, with error codes intact', async () => {
    const h = createLookupHelper(process.env);
    try {
      const [a, b] = await Promise.all([
        h.lookup('localhost', { family: 4, all: true }),
        h.lookup('127.0.0.1', { family: 4, all: true }),
      ]);
      expect(a.map((x) => x.address)).toContain('127.0.0.1');
      expect(b).toEqual([{ address: '127.0.0.1', family: 4 }]);
      const err = await h
        .lookup('no-such-host.invalid', { family: 4, all: true })
        .catch((e: NodeJS.ErrnoException) => e);
      expect(err).toBeInstanceOf(Error);
      expect(typeof (err as NodeJS.ErrnoException).code).toBe('string');
      const r = await lookupHost('localhost', 4, 5000, undefined, h.lookup);
      expect(r).toMatchObject({ status: 'records', via: 'system' });
    } finally {
      h.close();
    }
  });

  it("starts without the run's NODE_EXTRA_CA_CERTS: Node would read that file first (here a FIFO nobody writes, on which it would block)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-helper-'));
    const fifo = path.join(dir, 'extra-ca.pem');
    execFileSync('mkfifo', [fifo]);
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: fifo };
    expect(helperEnv(env)).toEqual({ ...process.env, NODE_EXTRA_CA_CERTS: undefined });
    expect('NODE_EXTRA_CA_CERTS' in helperEnv(env)).toBe(false);
    const h = createLookupHelper(env);
    try {
      const a = await h.lookup('127.0.0.1', { family: 4, all: true });
      expect(a).toEqual([{ address: '127.0.0.1', family: 4 }]);
    } finally {
      h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
