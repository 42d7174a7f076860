/**
 * The bounds are written down and enforced: docs/robustness.md's table is exactly what src/limits.ts
 * generates, every row names a test that exists and exercises each of its LIMITS keys, and the limits
 * not covered elsewhere are exercised here: LIMITS.referenceProbes, LIMITS.maxEndpoints,
 * LIMITS.loginServerLines, LIMITS.chainCertificates and LIMITS.maxSessions (LIMITS.aiaBytes needs a
 * server: test/integration/probes/aia.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DetailedPeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { parseMaxEndpoints } from '../../src/discovery/cli-options.js';
import { BOUNDS, LIMITS, withBounds } from '../../src/limits.js';
import type { EndpointEvidence } from '../../src/model/evidence.js';
import { captureLogger } from '../../src/probes/auth.js';
import { planReferences } from '../../src/probes/network.js';
import { peerChain } from '../../src/probes/x509.js';
import { ROOT } from '../helpers/paths.js';
import { runShow } from '../helpers/show.js';
import { addressProbe, candidate, endpoint } from '../helpers/evidence.js';

describe('docs/robustness.md', () => {
  it('holds the bounds table src/limits.ts generates (run `npm run docs` after changing a limit)', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/robustness.md'), 'utf8');
    expect(doc).toBe(withBounds(doc));
  });

  it.each(BOUNDS.map((b) => [b.what, b] as const))(
    '%s: its test exists and exercises each of its limits',
    (_what, b) => {
      const file = path.join(ROOT, b.test);
      expect(existsSync(file), b.test).toBe(true);
      const text = readFileSync(file, 'utf8');
      for (const k of b.keys) expect(text, `${b.test} names LIMITS.${k}`).toContain(`LIMITS.${k}`);
    },
  );

  it('every limit is in some row of the table', () => {
    const covered = new Set(BOUNDS.flatMap((b) => b.keys));
    expect(Object.keys(LIMITS).filter((k) => !covered.has(k as keyof typeof LIMITS))).toEqual([]);
  });
});

describe('limits exercised here', () => {
  it(`plans at most LIMITS.referenceProbes (${LIMITS.referenceProbes}) reference connects`, () => {
    const timedOut = (i: number): EndpointEvidence => {
      const a = addressProbe('tls', {
        address: `192.0.2.${i}`,
        tcp: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 },
      });
      return endpoint(candidate(`imap${i}.example.com`, 993, 'tls'), { addresses: [a] }, i);
    };
    const plan = planReferences(
      Array.from({ length: 60 }, (_, i) => timedOut(i + 1)),
      { referencePorts: [443, 80], imapPorts: { tls: 993, starttls: 143, plain: 143 }, discovery: null },
    );
    expect(plan).toHaveLength(LIMITS.referenceProbes);
  });

  it(`--max-endpoints takes at most LIMITS.maxEndpoints (${LIMITS.maxEndpoints})`, () => {
    expect(parseMaxEndpoints(String(LIMITS.maxEndpoints))).toBe(LIMITS.maxEndpoints);
    expect(() => parseMaxEndpoints(String(LIMITS.maxEndpoints + 1))).toThrow();
  });

  it(`--sessions takes at most LIMITS.maxSessions (${LIMITS.maxSessions})`, async () => {
    const r = await runShow(['alice@example.com', '--sessions', String(LIMITS.maxSessions + 1)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--sessions must be between 1 and ${LIMITS.maxSessions}`);
  });

  it(`a login keeps the last LIMITS.loginServerLines (${LIMITS.loginServerLines}) server lines`, () => {
    const server: string[] = [];
    const log = captureLogger(null, server, performance.now(), { server: (t) => t, text: (t) => t, pieces: (t) => t });
    for (let i = 0; i < 10_000; i++) log.debug({ src: 's', msg: `* OK line ${i}` });
    expect(server).toHaveLength(LIMITS.loginServerLines);
    expect(server.at(-1)).toBe('* OK line 9999');
  });

  it(`keeps at most LIMITS.chainCertificates (${LIMITS.chainCertificates}) certificates of a presented chain`, () => {
    const certs: DetailedPeerCertificate[] = [];
    for (let i = 0; i < 30; i++)
      certs.push({ raw: Buffer.from([i]), fingerprint256: `FP${i}` } as unknown as DetailedPeerCertificate);
    certs.forEach(
      (c, i) => ((c as { issuerCertificate?: DetailedPeerCertificate }).issuerCertificate = certs[i + 1] ?? c),
    );
    expect(peerChain(certs[0] as DetailedPeerCertificate)).toHaveLength(LIMITS.chainCertificates);
  });
});
