/**
 * The OS-side resolvers: c-ares against the loopback DNS server, and getaddrinfo (lookupHost) through
 * /etc/hosts plus a stand-in lookup function for the failures the OS cannot be made to produce here.
 */
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyLookupError,
  createSystemResolver,
  lookupHost,
  type LookupAll,
} from '../../../src/dns/system-resolver.js';
import type { MxRecord, SrvRecord } from '../../../src/model/evidence.js';
import type { SoaRecord } from '../../../src/dns/resolver.js';
import { startDnsServer, type DnsTestServer } from '../../servers/dns-server.js';
import { ZONE, closedUdpPort, liveSockets } from '../../helpers/dns-zone.js';
import { probeErrorText } from '../../../src/catalogue/probe-why.js';

let dns: DnsTestServer;
beforeAll(async () => {
  dns = await startDnsServer({ zone: ZONE, host: '127.0.0.1' });
});
afterAll(async () => {
  await dns.close();
});
beforeEach(() => dns.reset());

const system = (timeoutMs = 2000) => createSystemResolver({ timeoutMs, servers: [dns.address] });

describe('createSystemResolver (c-ares)', () => {
  it('answers records as the packet resolver would shape them', async () => {
    const a = await system().query<string>('IMAP.example.test.', 'A');
    expect(a).toMatchObject({
      name: 'imap.example.test',
      type: 'A',
      status: 'records',
      records: ['127.0.0.2'],
      server: 'system',
      via: 'system',
      ad: false,
    });
    expect((await system().query<SrvRecord>('_imaps._tcp.example.test', 'SRV')).records).toEqual([
      { priority: 0, weight: 1, port: 993, target: 'imap.example.test' },
    ]);
    expect((await system().query<MxRecord>('example.test', 'MX')).records).toEqual([
      { preference: 10, exchange: 'mx1.example.test' },
      { preference: 20, exchange: 'mx2.example.test' },
    ]);
    expect((await system().query<string>('example.test', 'TXT')).records).toEqual(['v=spf1 -all', 'x'.repeat(300)]);
    expect((await system().query<string>('example.test', 'NS')).records).toEqual(['ns1.example.test']);
    expect((await system().query<SoaRecord>('example.test', 'SOA')).records).toEqual([
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

  it.each([
    ['nodata', 'imap.example.test', {}],
    ['nxdomain', 'nope.example.test', {}],
    ['servfail', 'example.test', { rcode: 'SERVFAIL' as const }],
    ['refused', 'example.test', { rcode: 'REFUSED' as const }],
  ])('%s from the server', async (status, name, knobs) => {
    dns.set(knobs);
    const r = await system().query(name, 'TXT');
    expect(r.status).toBe(status);
    expect(r.records).toEqual([]);
  });

  it('timeout on a silent server, within its bound', async () => {
    dns.set({ drop: true });
    const r = await system(300).query('example.test', 'A');
    expect(r.status).toBe('timeout');
    expect(r.ms).toBeLessThan(2000);
  });

  it('a closed port is unreachable (c-ares sees the ICMP port unreachable as ECONNREFUSED)', async () => {
    const port = await closedUdpPort();
    const r = await createSystemResolver({ timeoutMs: 5000, servers: [`127.0.0.1:${port}`] }).query(
      'example.test',
      'A',
    );
    expect(r).toMatchObject({ status: 'unreachable', message: 'ECONNREFUSED' });
    expect(r.ms).toBeLessThan(2000);
  });

  it('abort settles at once and cancels the c-ares query', async () => {
    dns.set({ drop: true });
    const before = await liveSockets();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await system(5000).query('example.test', 'A', controller.signal);
    expect(r).toMatchObject({ status: 'timeout', aborted: true });
    expect(r.ms).toBeLessThan(1000);
    expect(await liveSockets()).toEqual(before);
  });
});

describe('lookupHost (getaddrinfo)', () => {
  it('localhost from /etc/hosts', async () => {
    const r = await lookupHost('localhost', 4, 2000);
    expect(r).toMatchObject({ name: 'localhost', type: 'A', status: 'records', via: 'system', server: 'system' });
    expect(r.records).toContain('127.0.0.1');
  });

  const failing =
    (code: string, errno: number, afterMs = 0): LookupAll =>
    () =>
      new Promise<LookupAddress[]>((_, reject) =>
        setTimeout(() => reject(Object.assign(new Error(`getaddrinfo ${code} x`), { code, errno })), afterMs),
      );

  it.each([
    ['ENOTFOUND', -3008, 0, 'nodata', 'does not say whether the name exists'],
    ['ENOTFOUND', -3007, 0, 'nodata', 'does not say whether the name exists'],
    ['EAI_AGAIN', -3001, 0, 'servfail', 'returned at once'],
    ['EAI_AGAIN', -3001, 1100, 'timeout', 'temporary failure after'],
    ['EAI_FAIL', -3002, 0, 'servfail', 'non-recoverable'],
    ['EAI_MEMORY', -3006, 0, 'error', 'EAI_MEMORY'],
  ])('%s (%i) after %i ms → %s', async (code, errno, afterMs, status, text) => {
    const r = await lookupHost('mail.example.test', 4, 5000, undefined, failing(code, errno, afterMs));
    expect(r).toMatchObject({ status, records: [] });
    expect(probeErrorText(r)).toContain(text);
  });

  it('classifyLookupError keeps the raw code and errno, as data beside its reading (words in the catalogue)', () => {
    const c = classifyLookupError(Object.assign(new Error('x'), { code: 'ENOTFOUND', errno: -3008 }), 5);
    expect(c).toEqual({ status: 'nodata', why: { code: 'gai-nodata', gaiCode: 'ENOTFOUND', errno: -3008 } });
    expect(probeErrorText(c)).toMatch(/^getaddrinfo ENOTFOUND \(-3008\)/);
  });

  it('only addresses of the asked family count', async () => {
    const mixed: LookupAll = async () => [
      { address: '2001:db8::1', family: 6 },
      { address: '192.0.2.1', family: 4 },
    ];
    expect((await lookupHost('x.test', 4, 1000, undefined, mixed)).records).toEqual(['192.0.2.1']);
    const v6only: LookupAll = async () => [{ address: '2001:db8::1', family: 6 }];
    expect((await lookupHost('x.test', 4, 1000, undefined, v6only)).status).toBe('nodata');
  });

  it('a getaddrinfo that never returns is cut off at the timeout', async () => {
    const hanging: LookupAll = () => new Promise<LookupAddress[]>(() => undefined);
    const r = await lookupHost('slow.test', 6, 200, undefined, hanging);
    expect(r).toMatchObject({ status: 'timeout', type: 'AAAA' });
    expect(r.ms).toBeGreaterThanOrEqual(190);
    expect(r.ms).toBeLessThan(2000);
  });

  it('abort ends the wait at once', async () => {
    const hanging: LookupAll = () => new Promise<LookupAddress[]>(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 50);
    const r = await lookupHost('slow.test', 4, 10_000, controller.signal, hanging);
    expect(r).toMatchObject({ status: 'timeout', aborted: true, message: 'deadline', why: { code: 'dns-aborted' } });
    expect(probeErrorText(r)).toBe('aborted: deadline');
    expect(r.ms).toBeLessThan(1000);
  });
});
