/**
 * One lookup per name per run, and a lost answer that costs one retransmit interval: the run's DNS
 * cache (src/dns/cache.ts) asks each question once and merges lookups in flight; an SRV answer's
 * additional section answers its targets' A questions; the resolver plan retransmits within
 * DEFAULTS.dnsRetransmitMs; getaddrinfo is raced with the doctor's own client (src/dns/race.ts) and
 * a disagreement is kept as typed evidence. Against the loopback DNS server; getaddrinfo itself is
 * replaced only where its behaviour cannot be made here (a glibc wait of 5 s, /etc/hosts entries).
 */
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDnsCache } from '../../../src/dns/cache.js';
import { createPacketResolver, type QueryTrace } from '../../../src/dns/packet-resolver.js';
import { raceLookup } from '../../../src/dns/race.js';
import { lookupHost, type LookupAll } from '../../../src/dns/system-resolver.js';
import { discoveryNetwork, hostLookupFor, resolverPlan } from '../../../src/discovery/index.js';
import { DEFAULTS } from '../../../src/options.js';
import { resolveHost } from '../../../src/probes/resolve.js';
import { startDnsServer, type DnsTestServer } from '../../servers/dns-server.js';

let dns: DnsTestServer;
beforeAll(async () => {
  dns = await startDnsServer();
});
afterAll(async () => {
  await dns.close();
});
beforeEach(() => {
  dns.reset();
  dns.zone = {
    'mail.test': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
    '_imaps._tcp.mail.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: 'imap.mail.test' }] },
    'imap.mail.test': { A: ['192.0.2.11'] },
  };
});

const never = () => new AbortController().signal;

describe('the run DNS cache', () => {
  it('asks each question once: concurrent and later lookups of a name share one query', async () => {
    const { resolver, lookup } = discoveryNetwork({ dnsServers: [dns.address], timeoutMs: 2000 });
    const answers = await Promise.all([
      lookup('mail.test', 4, never()),
      lookup('MAIL.test', 4, never()),
      resolver.query('mail.test', 'A'),
    ]);
    expect(answers.map((a) => a.records)).toEqual([['192.0.2.10'], ['192.0.2.10'], ['192.0.2.10']]);
    await lookup('mail.test', 4, never());
    expect(dns.count('mail.test', 'A')).toBe(1);
  });

  it("an SRV answer with an additional section answers its targets' A question; nothing else is taken from it", async () => {
    dns.set({ additional: true });
    dns.zone['other.test'] = { A: ['192.0.2.99'] };
    const { resolver, lookup } = discoveryNetwork({ dnsServers: [dns.address], timeoutMs: 2000 });
    const srv = await resolver.query('_imaps._tcp.mail.test', 'SRV');
    expect(srv.targetAddresses).toEqual([{ name: 'imap.mail.test', type: 'A', records: ['192.0.2.11'] }]);
    expect((await lookup('imap.mail.test', 4, never())).records).toEqual(['192.0.2.11']);
    expect(dns.count('imap.mail.test', 'A')).toBe(0);
    // Not in the additional section: asked.
    expect((await lookup('imap.mail.test', 6, never())).status).toBe('nodata');
    expect(dns.count('imap.mail.test', 'AAAA')).toBe(1);
  });

  it('a caller whose own signal aborts gets its aborted answer at once; the shared question is asked again later', async () => {
    dns.set({ delayMs: 300 }, 'mail.test');
    const cache = runDnsCache(2000);
    const lookup = cache.lookup(hostLookupFor(createPacketResolver({ servers: [dns.address], timeoutMs: 1000 })));
    const ctl = new AbortController();
    const mine = lookup('mail.test', 4, ctl.signal);
    const other = lookup('mail.test', 4, never());
    ctl.abort();
    expect(await mine).toMatchObject({ status: 'timeout', aborted: true });
    expect((await other).records).toEqual(['192.0.2.10']);
  });
});

describe('a lost UDP answer', () => {
  it('costs one retransmit interval: each try waits at most DEFAULTS.dnsRetransmitMs, and the tries fill the step', () => {
    expect(DEFAULTS.dnsRetransmitMs).toBeLessThanOrEqual(1000);
    for (const timeoutMs of [DEFAULTS.timeoutMs, 2000, 30_000]) {
      const plan = resolverPlan({ dnsServers: ['127.0.0.1:53'], timeoutMs });
      expect(plan.tryMs).toBeLessThanOrEqual(DEFAULTS.dnsRetransmitMs);
      expect(plan.tryMs * (plan.retries + 1)).toBeGreaterThanOrEqual(Math.min(timeoutMs, 2 * plan.tryMs));
      expect(plan.tryMs * (plan.retries + 1)).toBeLessThanOrEqual(timeoutMs);
    }
  });

  it('a server that loses the first query: the second try, one retransmit interval later, gets the answer', async () => {
    dns.set({ dropFirst: 1 }, 'mail.test');
    const plan = resolverPlan({ dnsServers: [dns.address], timeoutMs: DEFAULTS.timeoutMs });
    const traces: QueryTrace[] = [];
    const r = await createPacketResolver({
      servers: plan.servers,
      timeoutMs: plan.tryMs,
      retries: plan.retries,
      onQuery: (t) => traces.push(t),
    }).query<string>('mail.test', 'A');
    expect(r).toMatchObject({ status: 'records', records: ['192.0.2.10'] });
    expect(traces.map((t) => [t.attempt, t.outcome])).toEqual([
      [1, 'timeout'],
      [2, 'reply'],
    ]);
    expect(dns.count('mail.test', 'A')).toBe(2);
  });
});

describe('getaddrinfo raced with the own DNS client', () => {
  const own = () => hostLookupFor(createPacketResolver({ servers: [dns.address], timeoutMs: 500, retries: 1 }));
  const system = (fake: LookupAll) => (name: string, family: 4 | 6, signal: AbortSignal) =>
    lookupHost(name, family, 8000, signal, fake);

  it("getaddrinfo waiting on a lost answer (glibc retries after 5 s): the own client's answer is used, not waited for", async () => {
    const stuck: LookupAll = () => new Promise<LookupAddress[]>(() => undefined);
    const r = await raceLookup(system(stuck), own())('mail.test', 4, never());
    expect(r).toMatchObject({ status: 'records', records: ['192.0.2.10'], via: 'udp', server: dns.address });
    expect(r.disagreement).toBeUndefined();
  });

  it("both answer alike: getaddrinfo's answer is kept, no disagreement", async () => {
    const same: LookupAll = async () => [{ address: '192.0.2.10', family: 4 }];
    const r = await raceLookup(system(same), own())('mail.test', 4, never());
    expect(r).toMatchObject({ status: 'records', records: ['192.0.2.10'], via: 'system' });
    expect(r.disagreement).toBeUndefined();
  });

  it("they differ (an /etc/hosts entry, a split horizon): getaddrinfo's kept, the DNS answer recorded as typed evidence", async () => {
    const hosts: LookupAll = async () => [{ address: '198.51.100.7', family: 4 }];
    const lookup = raceLookup(system(hosts), own());
    const r = await lookup('mail.test', 4, never());
    expect(r).toMatchObject({ status: 'records', records: ['198.51.100.7'], via: 'system' });
    expect(r.disagreement).toEqual({ server: dns.address, status: 'records', records: ['192.0.2.10'] });
    // The endpoint's evidence carries it per family.
    const res = await resolveHost('mail.test', lookup, {}, never);
    expect(res.disagreements).toEqual([
      { family: 4, server: dns.address, status: 'records', records: ['192.0.2.10'] },
      { family: 6, server: dns.address, status: 'records', records: ['2001:db8::10'] },
    ]);
  });

  it('the own client\'s "no such name" is never taken without getaddrinfo (which also reads /etc/hosts)', async () => {
    let answer: (a: LookupAddress[]) => void = () => undefined;
    const slow: LookupAll = () => new Promise<LookupAddress[]>((resolve) => (answer = resolve));
    const pending = raceLookup(system(slow), own())('only-in-hosts.test', 4, never());
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(settled).toBe(false);
    answer([{ address: '198.51.100.9', family: 4 }]);
    expect(await pending).toMatchObject({ status: 'records', records: ['198.51.100.9'], via: 'system' });
  });

  it('a name only DNS does not know (NXDOMAIN) but getaddrinfo finds: kept, and the NXDOMAIN recorded', async () => {
    const hosts: LookupAll = async () => [{ address: '198.51.100.8', family: 4 }];
    const r = await raceLookup(system(hosts), own())('only-in-hosts.test', 4, never());
    expect(r).toMatchObject({ status: 'records', records: ['198.51.100.8'] });
    expect(r.disagreement).toMatchObject({ status: 'nxdomain', records: [] });
  });
});
