/**
 * HTTP redirects never lead to an IP address or an unusual port, and --no-private keeps HTTP, OAuth
 * metadata, PACC and AIA fetches off private addresses except to what the user named; against a real
 * loopback HTTP server, no mocks. (The pure steering rules: test/unit/discovery/candidates.steering.test.ts.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAddress } from '../../../src/address.js';
import { oauthCheck } from '../../../src/checks/auth/oauth.js';
import { paccCheck } from '../../../src/checks/discovery/pacc.js';
import { refusedCheck } from '../../../src/checks/discovery/refused.js';
import { createFetcher } from '../../../src/discovery/http.js';
import { fetchMetadata } from '../../../src/discovery/oauth-metadata.js';
import { paccSource } from '../../../src/discovery/pacc.js';
import type { SourceContext } from '../../../src/discovery/source-kit.js';
import type { DnsResult } from '../../../src/dns/resolver.js';
import { LIMITS } from '../../../src/limits.js';
import { checkAia } from '../../../src/probes/aia.js';
import { createTrustStore } from '../../../src/probes/trust.js';
import { OPEN_POLICY, type AddressPolicy } from '../../../src/util/ip.js';
import { lookupTable } from '../../helpers/discovery.js';
import { context } from '../../helpers/evidence.js';

const NO_PRIVATE: AddressPolicy = { noPrivate: true, exempt: new Set() };
const never = () => new AbortController().signal;

describe('HTTP: redirects and --no-private', () => {
  let server: http.Server;
  let port = 0;
  const hits: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(`${req.headers.host} ${req.url}`);
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      if (to) res.writeHead(302, { Location: to }).end();
      else res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<clientConfig/>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const fetcher = (policy: AddressPolicy = OPEN_POLICY, names: Record<string, string[]> = {}) =>
    createFetcher({
      lookup: lookupTable({ 'mail.test': ['127.0.0.1'], ...names }),
      trust: createTrustStore([]),
      maxBytes: LIMITS.httpBodyBytes,
      maxRedirects: LIMITS.httpRedirects,
      policy,
    });

  it('a redirect to an IP address is not followed', async () => {
    hits.length = 0;
    const o = await fetcher()(
      { url: `http://mail.test:${port}/?to=${encodeURIComponent('http://127.0.0.2/')}` },
      never(),
    );
    expect(o.error?.code).toBe('POLICY_REFUSED');
    expect(o.refused).toEqual({ target: 'http://127.0.0.2/', reason: 'ip-literal' });
    expect(hits).toHaveLength(1);
  });

  it('a redirect to a port other than 80 and 443 is not followed', async () => {
    const o = await fetcher()(
      { url: `http://mail.test:${port}/?to=${encodeURIComponent(`http://mail.test:${port}/x`)}` },
      never(),
    );
    expect(o.refused).toEqual({ target: `http://mail.test:${port}/x`, reason: 'port' });
  });

  it('--no-private: a host with only private addresses is not connected to; a host the user named is', async () => {
    hits.length = 0;
    const refused = await fetcher(NO_PRIVATE)({ url: `http://mail.test:${port}/` }, never());
    expect(refused.error?.code).toBe('POLICY_REFUSED');
    expect(refused.refused).toEqual({ target: 'mail.test', reason: 'private-address' });
    expect(hits).toHaveLength(0);
    const exempt = await fetcher({ noPrivate: true, exempt: new Set(['mail.test']) })(
      { url: `http://mail.test:${port}/` },
      never(),
    );
    expect(exempt.status).toBe(200);
  });

  it('--no-private: OAuth issuer metadata on a private address is not fetched, and said so once (not as invalid metadata)', async () => {
    hits.length = 0;
    const issuer = 'https://login.test';
    const fetches = await Promise.all(
      ['a', 'b'].map(
        async (p) =>
          (
            await fetchMetadata(
              fetcher(NO_PRIVATE, { 'login.test': ['10.0.0.8'] }),
              'rfc8414',
              `http://login.test:${port}/${p}`,
              issuer,
              never(),
            )
          ).fetch,
      ),
    );
    expect(fetches.map((f) => [f.problem, f.refused])).toEqual([
      ['refused', { target: 'login.test', reason: 'private-address' }],
      ['refused', { target: 'login.test', reason: 'private-address' }],
    ]);
    expect(hits).toHaveLength(0);
    const ctx = context([], {
      credentials: null,
      discovery: {
        domain: 'example.com',
        sources: [],
        resolverWorking: true,
        oauthIssuers: [{ issuer, from: ['pacc'], namedBy: ['pacc'], fetches }],
      },
    });
    expect(refusedCheck.run(ctx).map((f) => [f.code, f.params.target])).toEqual([
      ['PRIVATE_ADDRESS_REFUSED', 'login.test'],
    ]);
    expect(oauthCheck.run(ctx)).toEqual([]);
  });

  it('--no-private: a PACC document on a private address is not fetched; PRIVATE_ADDRESS_REFUSED, not PACC_INVALID', async () => {
    hits.length = 0;
    const address = parseAddress('alice@example.com');
    const txt = 'v=UAAC1; a=sha256; d=9X2mMgWAc10oSPuRKZSFBwPXEQpnxkS7SXPO8PC7euM=';
    const resolver = {
      servers: ['test'],
      query: async <T>(name: string, type: string) =>
        ({
          name,
          type,
          status: 'records',
          records: [txt] as T[],
          ad: false,
          server: 'test',
          ms: 0,
          via: 'udp',
        }) as DnsResult<T>,
    };
    const ctx = {
      address,
      domain: address.domain,
      resolver,
      fetch: fetcher(NO_PRIVATE, { 'ua-auto-config.example.com': ['127.0.0.1'] }),
      step: never,
    } as unknown as SourceContext;
    const r = await paccSource(ctx);
    expect(r).toMatchObject({
      status: 'skipped',
      refused: [{ target: 'ua-auto-config.example.com', reason: 'private-address' }],
    });
    expect(hits).toHaveLength(0);
    const checks = context([], { discovery: { domain: 'example.com', sources: [r], resolverWorking: true } });
    expect(paccCheck.run(checks)).toEqual([]);
    expect(refusedCheck.run(checks).map((f) => [f.code, f.params.source])).toEqual([
      ['PRIVATE_ADDRESS_REFUSED', 'pacc'],
    ]);
  });

  it('--no-private: an AIA issuer URL on a private address is not fetched', async () => {
    hits.length = 0;
    const trust = createTrustStore([]);
    const aia = await checkAia(Buffer.alloc(0), `http://127.0.0.1:${port}/ca.crt`, trust, never(), NO_PRIVATE);
    expect(aia).toMatchObject({ fetched: false, why: { code: expect.stringMatching(/private-address/) } });
    expect(hits).toHaveLength(0);
  });
});
