/**
 * The settings fetcher (src/discovery/http.ts) over the injected Io: every request's connection
 * comes from io.connect after the run's own lookup, HTTPS is TLS started through io.startTls and
 * verified against the trust store and the host name as before, and the refusals (redirect to an
 * IP address, --no-private) still happen before anything is dialled. node:http's own server
 * answers on the other end of the in-memory duplex.
 */
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, type HttpRequest } from '../../../src/discovery/http.js';
import { LIMITS } from '../../../src/limits.js';
import { createTrustStore } from '../../../src/probes/trust.js';
import type { AddressPolicy } from '../../../src/util/ip.js';
import { makeTestCert, memoryIo, type TestCert } from '../../helpers/memory-io.js';
import { lookupTable } from '../../helpers/discovery.js';

const HOST = 'autoconfig.example.test';

let cert: TestCert;
let wrongName: TestCert;
const seen: string[] = [];
const handler: http.RequestListener = (req, res) => {
  seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
  if (req.url === '/redirect-ip') {
    res.writeHead(302, { Location: 'http://192.0.2.99/config.xml' });
    res.end();
    return;
  }
  if (req.url === '/big') {
    res.writeHead(200, { 'Content-Type': 'text/xml' });
    res.end('x'.repeat(LIMITS.httpBodyBytes + 1));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/xml', Date: 'Tue, 01 Dec 2026 10:00:00 GMT' });
  res.end('<clientConfig version="1.1"/>');
};
let plain: http.Server;
let secure: https.Server;
let secureWrong: https.Server;

beforeAll(async () => {
  [cert, wrongName] = await Promise.all([makeTestCert([HOST]), makeTestCert(['other.invalid'])]);
  plain = http.createServer(handler);
  secure = https.createServer({ key: cert.key, cert: cert.cert }, handler);
  secureWrong = https.createServer({ key: wrongName.key, cert: wrongName.cert }, handler);
});
afterAll(() => {
  for (const s of [plain, secure, secureWrong]) s.close();
});

function fetcherOver(server: () => http.Server, opts: { policy?: AddressPolicy; addresses?: string[] } = {}) {
  const io = memoryIo((s) => {
    server().emit('connection', s);
  });
  const fetch = createFetcher({
    lookup: lookupTable({ [HOST]: opts.addresses ?? ['192.0.2.20'] }),
    trust: createTrustStore([cert.cert, wrongName.cert]),
    maxBytes: LIMITS.httpBodyBytes,
    maxRedirects: LIMITS.httpRedirects,
    io,
    ...(opts.policy ? { policy: opts.policy } : {}),
  });
  return {
    io,
    get: (url: string, more: Partial<HttpRequest> = {}) => fetch({ url, ...more }, new AbortController().signal),
  };
}

describe('createFetcher over an in-memory duplex', () => {
  it('plain http: the name goes through the run lookup, the connection through io.connect, the body comes back', async () => {
    const { io, get } = fetcherOver(() => plain);
    const r = await get(`http://${HOST}/mail/config-v1.1.xml?emailaddress=a%40example.test`);
    expect(io.dialled.map((d) => `${d.host}→${d.address}:${d.port}`)).toEqual([`${HOST}→192.0.2.20:80`]);
    expect(seen).toContain(`GET /mail/config-v1.1.xml?emailaddress=a%40example.test host=${HOST}`);
    expect(r).toMatchObject({
      status: 200,
      body: '<clientConfig version="1.1"/>',
      contentType: 'text/xml',
      date: '2026-12-01T10:00:00.000Z',
      insecure: true,
      hops: [{ url: `http://${HOST}/mail/config-v1.1.xml?emailaddress=a%40example.test`, status: 200 }],
    });
    expect(r.error).toBeUndefined();
  });

  it('https: TLS through io.startTls, verified against the trust store and the host name', async () => {
    const ok = await fetcherOver(() => secure).get(`https://${HOST}/config.xml`);
    expect(ok).toMatchObject({ status: 200, body: '<clientConfig version="1.1"/>', insecure: false });
    const wrong = await fetcherOver(() => secureWrong).get(`https://${HOST}/config.xml`);
    expect(wrong.status).toBeUndefined();
    expect(wrong.error?.code).toBe('HTTP_TLS');
  });

  it('a redirect to an IP address is recorded and not followed: one connection only', async () => {
    const { io, get } = fetcherOver(() => plain);
    const r = await get(`http://${HOST}/redirect-ip`);
    expect(r.error?.code).toBe('POLICY_REFUSED');
    expect(r.refused).toEqual({ target: 'http://192.0.2.99/config.xml', reason: 'ip-literal' });
    expect(io.dialled).toHaveLength(1);
  });

  it('--no-private: a host with only private addresses is never dialled', async () => {
    const { io, get } = fetcherOver(() => plain, {
      policy: { noPrivate: true, exempt: new Set() },
      addresses: ['10.0.0.5'],
    });
    const r = await get(`http://${HOST}/config.xml`);
    expect(r.error?.code).toBe('POLICY_REFUSED');
    expect(r.refused).toEqual({ target: HOST, reason: 'private-address' });
    expect(io.dialled).toEqual([]);
  });

  it('a body over the cap is cut off as HTTP_TOO_LARGE', async () => {
    const r = await fetcherOver(() => plain).get(`http://${HOST}/big`);
    expect(r).toMatchObject({ status: 200, tooLarge: true, error: { code: 'HTTP_TOO_LARGE' } });
    expect(r.body).toBeUndefined();
  });
});
