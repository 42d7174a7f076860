/**
 * The AIA issuer download (src/probes/aia.ts) is bounded by LIMITS.aiaBytes, against a real loopback
 * HTTP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/limits.js';
import { fetchSmall } from '../../../src/probes/aia.js';
import { probeErrorText } from '../../../src/catalogue/probe-why.js';
import type { ProbeWhy } from '../../../src/model/evidence.js';

describe('the AIA issuer download', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) =>
      res.end(Buffer.alloc(req.url === '/big' ? LIMITS.aiaBytes * 4 : 100, 'c')),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it(`stops at LIMITS.aiaBytes (${LIMITS.aiaBytes})`, async () => {
    const signal = new AbortController().signal;
    const big = await fetchSmall(`http://127.0.0.1:${port}/big`, signal).catch((e: unknown) => e);
    expect(big).toMatchObject({ why: { code: 'issuer-too-large' } });
    expect(probeErrorText(big as { why: ProbeWhy })).toMatch(/larger than/);
    expect((await fetchSmall(`http://127.0.0.1:${port}/small`, signal)).length).toBe(100);
  });
});
