/**
 * The hand-off of early queries (src/dns/early.ts) to the packet resolver, in-process against a loopback DNS
 * server: a query sent early is taken over by the resolver's first try of the very same query (the server
 * sees it once, the answer is the resolver's usual one), whether its reply came before or after; a query with
 * other bytes or for another server is not; a lost early query is retransmitted by the resolver on time,
 * counted from the early send; one never taken is simply dropped.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendEarly } from '../../../src/dns/early.js';
import { createPacketResolver, type QueryTrace } from '../../../src/dns/packet-resolver.js';
import { startDnsServer, type DnsTestServer } from '../../servers/dns-server.js';
import { ZONE } from '../../helpers/dns-zone.js';
import { probeErrorText } from '../../../src/catalogue/probe-why.js';

let dns: DnsTestServer;
const NO_DNSSEC = { ok: false, cd: false };
const forget = () => delete (globalThis as Record<symbol, unknown>)[Symbol.for('imap-doctor.early-dns')];

beforeAll(async () => {
  dns = await startDnsServer({ zone: ZONE, host: '127.0.0.1' });
});
afterAll(async () => {
  await dns.close();
});
beforeEach(() => dns.reset());
afterEach(forget);

const resolver = (extra: Partial<Parameters<typeof createPacketResolver>[0]> = {}) =>
  createPacketResolver({ servers: [dns.address], timeoutMs: 400, retries: 1, ...extra });
const arrived = (n: number) => new Promise<void>((r) => setTimeout(r, n));

describe('early queries taken over by the resolver', () => {
  it('a reply that came before: the resolver sends nothing and answers as usual', async () => {
    sendEarly(dns.address, [{ name: 'example.test', type: 'MX', edns: true }], NO_DNSSEC);
    await arrived(100);
    expect(dns.count('example.test', 'MX')).toBe(1);
    const earlyId = dns.queries[0]?.id;
    const traces: QueryTrace[] = [];
    const r = await resolver({ onQuery: (t) => traces.push(t) }).query('example.test', 'MX');
    expect(r).toMatchObject({ status: 'records', server: dns.address, via: 'udp' });
    expect(r.records).toEqual([
      { preference: 10, exchange: 'mx1.example.test' },
      { preference: 20, exchange: 'mx2.example.test' },
    ]);
    expect(dns.count('example.test', 'MX')).toBe(1);
    expect(dns.queries[0]?.id).toBe(earlyId);
    // The try counts from the early send.
    expect(traces).toEqual([expect.objectContaining({ attempt: 1, outcome: 'reply' })]);
    expect(traces[0]?.ms).toBeGreaterThanOrEqual(90);
    // Taken once: the same question again is the resolver's own.
    await resolver().query('example.test', 'MX');
    expect(dns.count('example.test', 'MX')).toBe(2);
  });

  it('a reply still on its way: the resolver waits for it instead of asking', async () => {
    dns.set({ delayMs: 150 });
    sendEarly(dns.address, [{ name: 'imap.example.test', type: 'A', edns: true }], NO_DNSSEC);
    await arrived(30);
    const r = await resolver().query<string>('imap.example.test', 'A');
    expect(r).toMatchObject({ status: 'records', records: ['127.0.0.2'] });
    expect(dns.count('imap.example.test', 'A')).toBe(1);
  });

  it('other bytes (no EDNS, the DO bit) or another server: not taken, the resolver asks itself', async () => {
    sendEarly(
      dns.address,
      [
        { name: 'example.test', type: 'A', edns: false },
        { name: 'example.test', type: 'TXT', edns: true },
      ],
      NO_DNSSEC,
    );
    await arrived(50);
    await resolver().query('example.test', 'A');
    await resolver({ dnssecOk: true }).query('example.test', 'TXT');
    expect(dns.count('example.test', 'A')).toBe(2);
    expect(dns.count('example.test', 'TXT')).toBe(2);
    forget();
    sendEarly('127.0.0.9:53', [{ name: 'example.test', type: 'SOA', edns: true }], NO_DNSSEC);
    await arrived(20);
    await resolver().query('example.test', 'SOA');
    expect(dns.count('example.test', 'SOA')).toBe(1);
  });

  it('a reply older than a try, or waiting on the socket while the process was busy, still settles it: no retransmit', async () => {
    sendEarly(dns.address, [{ name: 'example.test', type: 'A', edns: true }], NO_DNSSEC);
    await arrived(300);
    const held = await resolver({ timeoutMs: 100 }).query<string>('example.test', 'A');
    expect(held).toMatchObject({ status: 'records', records: ['192.0.2.1'] });
    expect(dns.count('example.test', 'A')).toBe(1);

    forget();
    dns.set({ delayMs: 50 });
    sendEarly(dns.address, [{ name: 'example.test', type: 'AAAA', edns: true }], NO_DNSSEC);
    await arrived(10);
    const pending = resolver({ timeoutMs: 150 }).query('example.test', 'AAAA');
    await new Promise<void>((r) => setImmediate(r));
    // Busy past the try's end: the reply waits in the socket's buffer when the timer fires.
    const until = performance.now() + 300;
    while (performance.now() < until);
    expect(await pending).toMatchObject({ status: 'nodata' });
    expect(dns.count('example.test', 'AAAA')).toBe(1);
  });

  it('replies with a wrong id reach the query they answer (by its question): the same outcome as without', async () => {
    dns.set({ wrongId: true });
    const without = await resolver({ timeoutMs: 150, retries: 0 }).query('example.test', 'MX');
    sendEarly(dns.address, [{ name: 'example.test', type: 'MX', edns: true }], NO_DNSSEC);
    await arrived(20);
    const early = await resolver({ timeoutMs: 150, retries: 0 }).query('example.test', 'MX');
    // The printed words (the answer carries note codes, worded by the catalogue).
    const words = (a: typeof without) => probeErrorText(a).replace(/id \d+/g, 'id N');
    expect(without.status).toBe('error');
    expect(words(without)).toContain('unexpected id');
    expect({ status: early.status, words: words(early) }).toEqual({ status: without.status, words: words(without) });
  });

  it('a lost early query: the resolver retransmits one try after the early send, with its own id', async () => {
    dns.set({ dropFirst: 1 }, 'example.test');
    sendEarly(dns.address, [{ name: 'example.test', type: 'NS', edns: true }], NO_DNSSEC);
    await arrived(600);
    const traces: QueryTrace[] = [];
    const t0 = performance.now();
    const r = await resolver({ timeoutMs: 1000, onQuery: (t) => traces.push(t) }).query('example.test', 'NS');
    expect(r).toMatchObject({ status: 'records', records: ['ns1.example.test'] });
    expect(traces.map((t) => [t.attempt, t.outcome])).toEqual([
      [1, 'timeout'],
      [2, 'reply'],
    ]);
    // 1000 ms per try from the early send, 600 ms of which had passed when the resolver took it over.
    // (Node's timers may fire up to a millisecond before performance.now() says so.)
    expect(traces[0]?.ms).toBeGreaterThan(990);
    expect(performance.now() - t0).toBeLessThan(1000);
    const ids = dns.queries.filter((q) => q.type === 'NS').map((q) => q.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });
});
