/**
 * The packet resolver against a real loopback DNS server: every DnsStatus from its real cause,
 * UDP→TCP on truncation, CNAME chains, AD, record decoding, retries, deadlines, abort and failover.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPacketResolver, type QueryTrace } from '../../../src/dns/packet-resolver.js';
import type { MxRecord, SrvRecord } from '../../../src/model/evidence.js';
import type { SoaRecord } from '../../../src/dns/resolver.js';
import { startDnsServer, type DnsTestServer } from '../../servers/dns-server.js';
import { BIG_TXT, HUGE_TXT, ZONE, closedUdpPort, liveSockets, trackTimers } from '../../helpers/dns-zone.js';
import { probeErrorText } from '../../../src/catalogue/probe-why.js';

let dns: DnsTestServer;
let spare: DnsTestServer;

beforeAll(async () => {
  dns = await startDnsServer({ zone: ZONE, host: '127.0.0.1' });
  spare = await startDnsServer({ zone: ZONE, host: '127.0.0.2' });
});
afterAll(async () => {
  await dns.close();
  await spare.close();
});
beforeEach(() => {
  dns.reset();
  spare.reset();
});

const resolver = (extra: Partial<Parameters<typeof createPacketResolver>[0]> = {}) =>
  createPacketResolver({ servers: [dns.address], timeoutMs: 1000, retries: 1, ...extra });

describe('answers by status', () => {
  it('records: A over UDP, with server, transport and time', async () => {
    const r = await resolver().query<string>('imap.example.test', 'A');
    expect(r).toMatchObject({
      name: 'imap.example.test',
      type: 'A',
      status: 'records',
      records: ['127.0.0.2'],
      via: 'udp',
      server: dns.address,
      ad: false,
    });
    expect(r.ms).toBeGreaterThan(0);
    expect(dns.queries).toEqual([
      {
        name: 'imap.example.test',
        type: 'A',
        transport: 'udp',
        id: expect.any(Number),
        edns: true,
        udpSize: 1232,
        ad: true,
        do: false,
      },
    ]);
  });

  it('normalises the asked name: lower case, no trailing dot', async () => {
    const r = await resolver().query('IMAP.Example.TEST.', 'AAAA');
    expect(r).toMatchObject({ name: 'imap.example.test', status: 'records', records: ['2001:db8::2'] });
  });

  it('nodata: the name exists without that type', async () => {
    const r = await resolver().query('imap.example.test', 'TXT');
    expect(r).toMatchObject({ status: 'nodata', records: [] });
  });

  it('nxdomain: the name does not exist', async () => {
    const r = await resolver().query('nope.example.test', 'A');
    expect(r).toMatchObject({ status: 'nxdomain', records: [] });
  });

  it('servfail, asked once (a SERVFAIL is not retried on the same server)', async () => {
    dns.set({ rcode: 'SERVFAIL' }, 'imap.example.test');
    const r = await resolver({ retries: 3 }).query('imap.example.test', 'A');
    expect(r).toMatchObject({ status: 'servfail', records: [], server: dns.address });
    expect(dns.count('imap.example.test')).toBe(1);
  });

  it('refused', async () => {
    dns.set({ rcode: 'REFUSED' });
    const r = await resolver().query('example.test', 'MX');
    expect(r.status).toBe('refused');
  });

  it('other RCODEs are an error naming the code', async () => {
    dns.set({ rcode: 'NOTIMP' });
    const r = await resolver({ edns: false }).query('example.test', 'A');
    expect(r).toMatchObject({ status: 'error', why: { code: 'dns-notes' } });
    expect(probeErrorText(r)).toBe(`${dns.address}: server answered NOTIMP`);
  });

  it('timeout: a dropped query with 200 ms × 2 tries gives up within the bound, after both tries', async () => {
    dns.set({ drop: true });
    const r = await resolver({ timeoutMs: 200, retries: 1 }).query('imap.example.test', 'A');
    expect(r.status).toBe('timeout');
    expect(r.aborted).toBeUndefined();
    expect(dns.count('imap.example.test', 'A')).toBe(2);
    expect(r.ms).toBeGreaterThanOrEqual(390);
    expect(r.ms).toBeLessThan(2000);
  });

  it('unreachable: ICMP port unreachable from a closed port, without waiting for the timeout', async () => {
    const port = await closedUdpPort();
    const r = await createPacketResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 5000, retries: 2 }).query(
      'example.test',
      'A',
    );
    expect(r).toMatchObject({
      status: 'unreachable',
      server: `127.0.0.1:${port}`,
    });
    expect(probeErrorText(r)).toBe(`127.0.0.1:${port}: ECONNREFUSED`);
    expect(r.ms).toBeLessThan(2000);
  });

  it('error: an invalid name is refused before anything is sent', async () => {
    const r = await resolver().query(`${'x'.repeat(64)}.example.test`, 'A');
    expect(r).toMatchObject({ status: 'error', why: { code: 'dns-notes', notes: [{ code: 'label-too-long' }] } });
    expect(probeErrorText(r)).toBe(`invalid name: label longer than 63 octets: "${'x'.repeat(20)}…"`);
    const r2 = await resolver().query('a..example.test', 'A');
    expect(r2).toMatchObject({ status: 'error' });
    expect(probeErrorText(r2)).toBe('invalid name: empty label');
    expect(r.message ?? r2.message).toBeUndefined();
    expect(dns.queries).toHaveLength(0);
  });

  it('error: no servers configured', async () => {
    const r = await createPacketResolver({ servers: [] }).query('example.test', 'A');
    expect(r).toMatchObject({ status: 'error', why: { code: 'dns-no-servers' } });
    expect(probeErrorText(r)).toBe('no DNS servers to ask');
  });
});

describe('record decoding', () => {
  it('SRV with the target lower-cased and the trailing dot removed', async () => {
    const r = await resolver().query<SrvRecord>('_imaps._tcp.example.test', 'SRV');
    expect(r.records).toEqual([{ priority: 0, weight: 1, port: 993, target: 'imap.example.test' }]);
  });

  it('MX', async () => {
    const r = await resolver().query<MxRecord>('example.test', 'MX');
    expect(r.records).toEqual([
      { preference: 10, exchange: 'mx1.example.test' },
      { preference: 20, exchange: 'mx2.example.test' },
    ]);
  });

  it('TXT: one string per record, character-strings joined', async () => {
    const r = await resolver().query<string>('example.test', 'TXT');
    expect(r.records).toEqual(['v=spf1 -all', 'x'.repeat(300)]);
  });

  it('NS and SOA', async () => {
    const ns = await resolver().query<string>('example.test', 'NS');
    expect(ns.records).toEqual(['ns1.example.test']);
    const soa = await resolver().query<SoaRecord>('example.test', 'SOA');
    expect(soa.records).toEqual([
      {
        mname: 'ns1.example.test',
        rname: 'hostmaster.example.test',
        serial: 2024010101,
        refresh: 3600,
        retry: 600,
        expire: 86400,
        minimum: 300,
      },
    ]);
  });
});

describe('CNAME chains inside one answer', () => {
  it('follows one alias and reports it', async () => {
    const r = await resolver().query<string>('mail.example.test', 'A');
    expect(r).toMatchObject({ status: 'records', records: ['127.0.0.2'], cnames: ['imap.example.test'] });
    expect(r.message).toBeUndefined();
    expect(probeErrorText(r)).toBe('CNAME mail.example.test → imap.example.test');
  });

  it('follows two aliases', async () => {
    const r = await resolver().query<string>('alias2.example.test', 'AAAA');
    expect(r).toMatchObject({
      status: 'records',
      records: ['2001:db8::2'],
      cnames: ['mail.example.test', 'imap.example.test'],
    });
  });

  it('a CNAME question returns the alias itself', async () => {
    const r = await resolver().query<string>('mail.example.test', 'CNAME');
    expect(r).toMatchObject({ status: 'records', records: ['imap.example.test'] });
    expect(r.cnames).toBeUndefined();
  });

  it('an alias whose target has no records here is nodata, with the chain', async () => {
    const r = await resolver().query('outside.example.test', 'A');
    expect(r).toMatchObject({
      status: 'nodata',
      cnames: ['elsewhere.invalid'],
    });
    expect(probeErrorText(r)).toMatch(/^CNAME \S+ → elsewhere\.invalid; no A record at the end of the chain$/);
  });

  it('a CNAME loop is an error, not an endless walk', async () => {
    const r = await resolver().query('loop1.example.test', 'A');
    expect(r).toMatchObject({ status: 'error' });
    expect(probeErrorText(r)).toBe(`${dns.address}: CNAME loop: CNAME loop1.example.test → loop2.example.test`);
  });

  it('a name that is its own alias is a loop named by the name (it read "CNAME loop: undefined" before the codes)', async () => {
    dns.zone = { ...ZONE, 'self.example.test': { CNAME: 'self.example.test' } };
    try {
      const r = await resolver().query('self.example.test', 'A');
      expect(r).toMatchObject({ status: 'error' });
      expect(probeErrorText(r)).toBe(`${dns.address}: CNAME loop: CNAME self.example.test`);
    } finally {
      dns.zone = ZONE;
    }
  });
});

describe('flags and EDNS', () => {
  it('keeps the AD bit of the answer, and asks with AD set (RFC 6840 §5.7)', async () => {
    dns.set({ ad: true }, 'imap.example.test');
    const signed = await resolver().query('imap.example.test', 'A');
    const unsigned = await resolver().query('example.test', 'A');
    expect(signed.ad).toBe(true);
    expect(unsigned.ad).toBe(false);
    expect(dns.queries.every((q) => q.ad)).toBe(true);
  });

  it('sets DO only when asked to', async () => {
    await resolver({ dnssecOk: true }).query('example.test', 'A');
    expect(dns.queries[0]).toMatchObject({ edns: true, do: true });
  });

  it('asks again without EDNS when the server answers FORMERR to it (RFC 6891 §7)', async () => {
    dns.set({ noEdns: true });
    const r = await resolver().query<string>('imap.example.test', 'A');
    expect(r).toMatchObject({ status: 'records', records: ['127.0.0.2'] });
    expect(dns.queries.map((q) => q.edns)).toEqual([true, false]);
  });

  it('ignores a reply with the wrong id (RFC 5452) and takes the real one', async () => {
    dns.set({ spoofFirst: true });
    const r = await resolver().query<string>('imap.example.test', 'A');
    expect(r.records).toEqual(['127.0.0.2']);
  });
});

describe('truncation and TCP (RFC 1035 §4.2.2, RFC 7766)', () => {
  it('TC set → asks again over TCP and says so', async () => {
    dns.set({ truncate: true }, 'imap.example.test');
    const r = await resolver().query<string>('imap.example.test', 'A');
    expect(r).toMatchObject({ status: 'records', records: ['127.0.0.2'], via: 'tcp' });
    expect(dns.queries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('over 512 bytes without EDNS: truncated, completed over TCP', async () => {
    const r = await resolver({ edns: false }).query<string>('big.example.test', 'TXT');
    expect(r).toMatchObject({ status: 'records', records: BIG_TXT, via: 'tcp' });
    expect(dns.queries.map((q) => [q.transport, q.edns])).toEqual([
      ['udp', false],
      ['tcp', false],
    ]);
  });

  it('the same answer fits in UDP with EDNS 1232', async () => {
    const r = await resolver().query<string>('big.example.test', 'TXT');
    expect(r).toMatchObject({ status: 'records', records: BIG_TXT, via: 'udp' });
  });

  it('over 1232 bytes: TCP even with EDNS', async () => {
    const r = await resolver().query<string>('huge.example.test', 'TXT');
    expect(r).toMatchObject({ status: 'records', records: HUGE_TXT, via: 'tcp' });
  });

  it('a TCP fallback that never answers is a timeout via tcp, bounded', async () => {
    dns.set({ truncate: true, tcpDrop: true });
    const r = await resolver({ timeoutMs: 200, retries: 0 }).query('imap.example.test', 'A');
    expect(r).toMatchObject({ status: 'timeout', via: 'tcp' });
    expect(probeErrorText(r)).toBe(`${dns.address}: UDP reply truncated, TCP no reply (1 × 200 ms)`);
    expect(r.ms).toBeLessThan(2000);
  });
});

describe('waiting, retries and bounds', () => {
  it('a reply slower than usual but within the timeout is accepted, without a retry', async () => {
    dns.set({ delayMs: 150 });
    const r = await resolver({ timeoutMs: 1000 }).query<string>('imap.example.test', 'A');
    expect(r.records).toEqual(['127.0.0.2']);
    expect(dns.queries).toHaveLength(1);
  });

  it('a late reply to the first try still counts after the retry went out', async () => {
    dns.set({ delayMs: 300 });
    const r = await resolver({ timeoutMs: 200, retries: 1 }).query<string>('imap.example.test', 'A');
    expect(r).toMatchObject({ status: 'records', records: ['127.0.0.2'] });
    expect(dns.queries).toHaveLength(2);
    expect(new Set(dns.queries.map((q) => q.id)).size).toBe(2);
  });

  it.each([{ retries: 0 }, { retries: 2 }])(
    'retries: $retries → one try plus $retries more on a silent server',
    async ({ retries }) => {
      dns.set({ drop: true });
      const traces: QueryTrace[] = [];
      const r = await resolver({ timeoutMs: 100, retries, onQuery: (t) => traces.push(t) }).query('example.test', 'A');
      expect(r.status).toBe('timeout');
      expect(dns.queries).toHaveLength(retries + 1);
      expect(traces.map((t) => [t.attempt, t.outcome])).toEqual(
        Array.from({ length: retries + 1 }, (_, i) => [i + 1, 'timeout']),
      );
    },
  );

  it('three silent servers, 100 ms × 2 tries each: gives up after all of them, within the bound', async () => {
    const third = await startDnsServer({ zone: ZONE, host: '127.0.0.3', knobs: { drop: true } });
    try {
      dns.set({ drop: true });
      spare.set({ drop: true });
      const r = await createPacketResolver({
        servers: [dns.address, spare.address, third.address],
        timeoutMs: 100,
        retries: 1,
      }).query('example.test', 'A');
      expect(r.status).toBe('timeout');
      expect([dns.queries.length, spare.queries.length, third.queries.length]).toEqual([2, 2, 2]);
      expect(r.ms).toBeGreaterThanOrEqual(590);
      expect(r.ms).toBeLessThan(2000);
    } finally {
      await third.close();
    }
  });
});

describe('abort', () => {
  it('settles promptly when the signal aborts, as a timeout marked aborted', async () => {
    dns.set({ drop: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 100);
    const started = performance.now();
    const r = await resolver({ timeoutMs: 5000, retries: 3 }).query('example.test', 'A', controller.signal);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r).toMatchObject({ status: 'timeout', aborted: true, message: 'deadline', why: { code: 'dns-aborted' } });
    expect(probeErrorText(r)).toBe('aborted: deadline');
  });

  it('aborts a TCP exchange too', async () => {
    dns.set({ truncate: true, tcpDrop: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await resolver({ timeoutMs: 5000 }).query('example.test', 'A', controller.signal);
    expect(r).toMatchObject({ status: 'timeout', aborted: true, via: 'tcp' });
    expect(r.ms).toBeLessThan(1000);
  });

  it('an abort right after the call, before the socket is even connected, is clean', async () => {
    const controller = new AbortController();
    const pending = resolver().query('imap.example.test', 'A', controller.signal);
    controller.abort();
    expect(await pending).toMatchObject({ status: 'timeout', aborted: true });
    expect(dns.queries).toHaveLength(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const r = await resolver().query('example.test', 'A', AbortSignal.abort());
    expect(r).toMatchObject({ status: 'timeout', aborted: true });
    expect(dns.queries).toHaveLength(0);
  });
});

describe('several servers', () => {
  it('a closed port first: unreachable at once, the second server answers', async () => {
    const port = await closedUdpPort();
    const r = await createPacketResolver({
      servers: [`127.0.0.1:${port}`, spare.address],
      timeoutMs: 3000,
      retries: 1,
    }).query<string>('imap.example.test', 'A');
    expect(r).toMatchObject({ status: 'records', records: ['127.0.0.2'], server: spare.address });
    expect(probeErrorText(r)).toBe(`127.0.0.1:${port}: ECONNREFUSED`);
    expect(r.ms).toBeLessThan(2000);
  });

  it('a silent first server: its tries time out, then the second answers', async () => {
    dns.set({ drop: true });
    const r = await createPacketResolver({ servers: [dns.address, spare.address], timeoutMs: 150, retries: 1 }).query(
      'imap.example.test',
      'A',
    );
    expect(r).toMatchObject({ status: 'records', server: spare.address });
    expect([dns.queries.length, spare.queries.length]).toEqual([2, 1]);
  });

  it('SERVFAIL from the first server moves on to the second', async () => {
    dns.set({ rcode: 'SERVFAIL' });
    const r = await createPacketResolver({ servers: [dns.address, spare.address], timeoutMs: 1000 }).query(
      'imap.example.test',
      'A',
    );
    expect(r).toMatchObject({ status: 'records', server: spare.address });
    expect(probeErrorText(r)).toBe(`${dns.address}: SERVFAIL`);
  });

  it('NXDOMAIN from the first server is final', async () => {
    const r = await createPacketResolver({ servers: [dns.address, spare.address], timeoutMs: 1000 }).query(
      'nope.example.test',
      'A',
    );
    expect(r).toMatchObject({ status: 'nxdomain', server: dns.address });
    expect(spare.queries).toHaveLength(0);
  });

  it('when every server fails, the most telling failure is reported with all of them in the message', async () => {
    dns.set({ drop: true });
    spare.set({ rcode: 'SERVFAIL' });
    const r = await createPacketResolver({ servers: [dns.address, spare.address], timeoutMs: 100, retries: 0 }).query(
      'imap.example.test',
      'A',
    );
    expect(r).toMatchObject({ status: 'servfail', server: spare.address });
    expect(probeErrorText(r)).toBe(`${dns.address}: no reply (1 × 100 ms); ${spare.address}: SERVFAIL`);
  });

  it('works with an IPv6 loopback server', async () => {
    const v6 = await startDnsServer({ zone: ZONE, host: '::1' });
    try {
      const r = await createPacketResolver({ servers: [v6.address] }).query<string>('imap.example.test', 'A');
      expect(v6.address).toBe(`[::1]:${v6.port}`);
      expect(r).toMatchObject({ status: 'records', records: ['127.0.0.2'], server: v6.address });
    } finally {
      await v6.close();
    }
  });
});

describe('cleanup', () => {
  it('leaves no socket or timer behind, whatever the outcome', async () => {
    const port = await closedUdpPort();
    dns.set({ drop: true }, 'dropped.example.test');
    dns.set({ drop: true }, 'aborted.example.test');
    dns.set({ truncate: true }, 'imap.example.test');
    dns.set({ truncate: true, tcpDrop: true }, 'mail.example.test');
    const before = await liveSockets();
    const timers = trackTimers();
    try {
      const r = resolver({ timeoutMs: 100, retries: 1 });
      const controller = new AbortController();
      const results = await Promise.all([
        r.query('example.test', 'A'),
        r.query('imap.example.test', 'A'),
        r.query('mail.example.test', 'A'),
        r.query('dropped.example.test', 'A'),
        r.query('aborted.example.test', 'A', controller.signal),
        createPacketResolver({ servers: [`127.0.0.1:${port}`] }).query('example.test', 'A'),
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          controller.abort();
        })(),
      ]);
      expect(results.slice(0, 6).map((x) => x?.status)).toEqual([
        'records',
        'records',
        'timeout',
        'timeout',
        'timeout',
        'unreachable',
      ]);
      expect(results[4]).toMatchObject({ aborted: true });
      expect(timers.created()).toBeGreaterThanOrEqual(6);
      expect(timers.pending()).toBe(0);
    } finally {
      timers.stop();
    }
    expect(await liveSockets()).toEqual(before);
  });
});
