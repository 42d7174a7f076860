/**
 * The bounds of the newest standards, against real loopback servers: a PACC document is read up to
 * LIMITS.paccBytes (its digest is over every byte, so one more byte makes it unusable), a TXT record
 * is kept up to LIMITS.txtChars in the evidence while its tags are read from all of it, OAuth issuer
 * metadata up to LIMITS.oauthMetadataBytes, and the --oauth-discover exchange reads at most
 * LIMITS.oauthChallengeLines lines and keeps LIMITS.oauthChallengeChars characters of each
 * challenge value.
 */
import { renderEntry } from '../../../src/catalogue/index.js';
import { createTrustStore } from '../../../src/probes/trust.js';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthCheck } from '../../../src/checks/auth/oauth.js';
import type { DnsResult, Resolver } from '../../../src/dns/resolver.js';
import { parseAddress } from '../../../src/address.js';
import { createFetcher, type Fetcher } from '../../../src/discovery/http.js';
import { fetchMetadata } from '../../../src/discovery/oauth-metadata.js';
import { paccSource } from '../../../src/discovery/pacc.js';
import { paccDigest, parseUaacRecord, uaacTxt } from '../../../src/discovery/parse-pacc.js';
import type { SourceContext } from '../../../src/discovery/source-kit.js';
import { LIMITS } from '../../../src/limits.js';
import type { DnsAnswer, Family } from '../../../src/model/evidence.js';
import { bearerExchange, decodeChallenge } from '../../../src/probes/oauth-probe.js';
import { Wire, WireError } from '../../../src/probes/wire.js';
import { stepSignal } from '../../../src/util/deadline.js';
import { context } from '../../helpers/evidence.js';
import { startTcpServer, type TcpTestServer } from '../../servers/tcp-server.js';

const never = () => new AbortController().signal;

/** A loopback HTTP server answering every path with what `bodies` holds for it. */
let server: http.Server;
let port = 0;
const bodies = new Map<string, Buffer>();
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise((r) => server.close(r)));

/** The run's fetcher (its own cap far above the documents' own), every URL sent to the loopback server instead. */
function loopbackFetcher(): Fetcher {
  const lookup = async (name: string, family: Family): Promise<DnsAnswer<string>> => ({
    name,
    type: family === 4 ? 'A' : 'AAAA',
    status: family === 4 ? 'records' : 'nodata',
    records: family === 4 ? ['127.0.0.1'] : [],
    ad: false,
    server: 'test',
    ms: 0,
    via: 'udp',
  });
  const real = createFetcher({
    lookup,
    trust: createTrustStore([]),
    maxBytes: LIMITS.httpBodyBytes,
    maxRedirects: LIMITS.httpRedirects,
  });
  return (req, signal) => {
    const u = new URL(req.url);
    return real({ ...req, url: `http://loopback.test:${port}${u.pathname}` }, signal);
  };
}

/** A resolver answering TXT with `txt` and nothing else. */
function txtResolver(txt: string[]): Resolver {
  return {
    servers: ['test'],
    query: async <T>(name: string, type: string) =>
      ({
        name,
        type,
        status: type === 'TXT' ? 'records' : 'nodata',
        records: (type === 'TXT' ? txt : []) as T[],
        ad: false,
        server: 'test',
        ms: 0,
        via: 'udp',
      }) as DnsResult<T>,
  };
}

function paccContext(txt: string[]): SourceContext {
  const address = parseAddress('alice@example.com');
  return {
    address,
    domain: address.domain,
    who: { address: address.address, localPart: address.localPart, domain: address.domain },
    resolver: txtResolver(txt),
    lookup: async (name) => ({
      name,
      type: 'A',
      status: 'nodata',
      records: [],
      ad: false,
      server: 'test',
      ms: 0,
      via: 'udp',
    }),
    fetch: loopbackFetcher(),
    timeoutMs: 5000,
    maxBytes: LIMITS.httpBodyBytes,
    sendAddress: false,
    ispdbUrl: null,
    trustHosts: new Set(),
    step: () => stepSignal(never(), 5000),
  };
}

/** A PACC document of exactly `size` bytes (JSON padded with spaces). */
function paccOfSize(size: number): Buffer {
  const doc = '{"protocols":{"imap":{"host":"imap.example.com"}}}';
  return Buffer.from(doc + ' '.repeat(size - doc.length));
}

describe('PACC', () => {
  it(`a document of LIMITS.paccBytes (${LIMITS.paccBytes}) bytes is read and verified; one byte more is too large`, async () => {
    const atLimit = paccOfSize(LIMITS.paccBytes);
    bodies.set('/.well-known/user-agent-configuration.json', atLimit);
    const ok = await paccSource(paccContext([uaacTxt(paccDigest(atLimit))]));
    expect(ok).toMatchObject({
      status: 'found',
      trust: 'trusted',
      pacc: { verified: true, bodyBytes: LIMITS.paccBytes },
    });
    expect(ok.servers.map((s) => s.host)).toEqual(['imap.example.com']);

    const over = paccOfSize(LIMITS.paccBytes + 1);
    bodies.set('/.well-known/user-agent-configuration.json', over);
    const big = await paccSource(paccContext([uaacTxt(paccDigest(over))]));
    // Well under the fetcher's own cap (LIMITS.httpBodyBytes): the PACC bound is what stopped it.
    expect(LIMITS.paccBytes + 1).toBeLessThan(LIMITS.httpBodyBytes);
    expect(big).toMatchObject({ status: 'invalid', invalid: { reason: 'too-large' }, servers: [] });
    expect(big.pacc?.verified).toBe(false);
  });

  it(`keeps LIMITS.txtChars (${LIMITS.txtChars}) characters of a TXT record, and reads its tags from all of it`, () => {
    const digest = paccDigest(Buffer.from('{}'));
    const long = `v=UAAC1; a=sha256; x=${'y'.repeat(5000)}; d=${digest}`;
    const r = parseUaacRecord(long);
    expect(r.raw.length).toBe(LIMITS.txtChars);
    expect(r.raw.endsWith('…')).toBe(true);
    expect(r).toMatchObject({ usable: true, digest });
  });
});

describe('OAuth issuer metadata', () => {
  const issuer = 'https://login.example.com';
  /** Metadata JSON for `issuer` padded with spaces to exactly `size` bytes. */
  const metadataOfSize = (size: number): Buffer => {
    const doc = JSON.stringify({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
    });
    return Buffer.from(doc + ' '.repeat(size - doc.length));
  };

  it(`is read up to LIMITS.oauthMetadataBytes (${LIMITS.oauthMetadataBytes}); one byte more is too large and said so`, async () => {
    const fetch = loopbackFetcher();
    bodies.set('/.well-known/oauth-authorization-server', metadataOfSize(LIMITS.oauthMetadataBytes));
    const ok = await fetchMetadata(
      fetch,
      'rfc8414',
      `${issuer}/.well-known/oauth-authorization-server`,
      issuer,
      never(),
    );
    expect(ok.metadata).toMatchObject({ issuer, tokenEndpoint: `${issuer}/token` });

    bodies.set('/.well-known/oauth-authorization-server', metadataOfSize(LIMITS.oauthMetadataBytes + 1));
    const big = await fetchMetadata(
      fetch,
      'rfc8414',
      `${issuer}/.well-known/oauth-authorization-server`,
      issuer,
      never(),
    );
    expect(big.metadata).toBeUndefined();
    expect(big.fetch).toMatchObject({ problem: 'too-large', httpStatus: 200 });
    const findings = oauthCheck.run(
      context([], {
        credentials: null,
        discovery: {
          domain: 'example.com',
          sources: [],
          resolverWorking: true,
          oauthIssuers: [{ issuer, from: ['pacc'], namedBy: ['pacc'], fetches: [big.fetch] }],
        },
      }),
    );
    expect(findings.map((f) => f.code)).toEqual(['OAUTH_METADATA_INVALID']);
    expect(findings[0]?.params).toMatchObject({ problemCodes: ['too-large'], maxBytes: LIMITS.oauthMetadataBytes });
    const f = findings[0];
    if (f)
      expect(renderEntry(f.code, f.params, f.subject).explanation).toContain(
        `larger than ${LIMITS.oauthMetadataBytes} bytes`,
      );
  });
});

describe('the --oauth-discover exchange', () => {
  let imap: TcpTestServer | undefined;
  afterAll(() => imap?.close());

  it(`reads at most LIMITS.oauthChallengeLines (${LIMITS.oauthChallengeLines}) lines without a tagged reply, answering each continuation once`, async () => {
    let dummies = 0;
    imap = await startTcpServer((s) => {
      s.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\r\n').filter(Boolean)) {
          if (line === 'AQ==') dummies++;
          // Never a tagged reply: a continuation for every line the client sends.
          s.write('+ \r\n');
        }
      });
    });
    const client = net.connect(imap.port, '127.0.0.1');
    client.on('error', () => {});
    await new Promise((r) => client.once('connect', r));
    const wire = new Wire(client, { maxLineBytes: LIMITS.imapLineBytes, layer: 'plain', t0: performance.now() });
    const err = await bearerExchange(wire, 'AAAA', () => stepSignal(never(), 5000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WireError);
    expect((err as WireError).probe.code).toBe('PROTOCOL_ERROR');
    // The last dummy response may still be on its way; nothing is sent after it.
    for (let i = 0; i < 100 && dummies < LIMITS.oauthChallengeLines; i++) await new Promise((r) => setTimeout(r, 20));
    client.destroy();
    expect(dummies).toBe(LIMITS.oauthChallengeLines);
  });

  it(`keeps LIMITS.oauthChallengeChars (${LIMITS.oauthChallengeChars}) characters of each challenge value and key`, () => {
    const long = 'x'.repeat(10 * LIMITS.oauthChallengeChars);
    const c =
      decodeChallenge(
        Buffer.from(JSON.stringify({ status: 'invalid_token', 'openid-configuration': long, [long]: 'k' })).toString(
          'base64',
        ),
      ) ?? {};
    expect(c.status).toBe('invalid_token');
    expect(c['openid-configuration']?.length).toBe(LIMITS.oauthChallengeChars);
    expect(Object.keys(c).every((k) => k.length <= LIMITS.oauthChallengeChars)).toBe(true);
  });
});
