/**
 * DNS against a hostile loopback server: LIMITS.dnsRecords records kept of 2,000, mismatched ids,
 * answers for other names, a CNAME loop, a compression pointer loop, truncation with DNS over TCP
 * refused; at most LIMITS.srvTargetChecks SRV targets checked, LIMITS.addressesPerFamily addresses
 * probed per family; LIMITS.dnsMessageBytes is the framing's own bound. Each settles, none throws.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPacketResolver } from '../../../src/dns/packet-resolver.js';
import { lookupHost } from '../../../src/dns/system-resolver.js';
import { parseAddress } from '../../../src/address.js';
import { createDiscoverer, hostLookupFor } from '../../../src/discovery/index.js';
import { LIMITS } from '../../../src/limits.js';
import { defaultRunOptions } from '../../../src/options.js';
import { resolveHost } from '../../../src/probes/resolve.js';
import { probeErrorText } from '../../../src/catalogue/probe-why.js';
import { startDnsServer, type DnsTestServer } from '../../servers/dns-server.js';

const many = Array.from({ length: 2000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`);
let dns: DnsTestServer;
let udpOnly: DnsTestServer;

beforeAll(async () => {
  dns = await startDnsServer();
  udpOnly = await startDnsServer({ tcp: false });
});
afterAll(async () => {
  await dns.close();
  await udpOnly.close();
});
beforeEach(() => {
  dns.reset();
  dns.zone = {
    'many.test': { A: many },
    'ok.test': { A: ['192.0.2.1'] },
    'a.loop.test': { CNAME: 'b.loop.test' },
    'b.loop.test': { CNAME: 'a.loop.test' },
  };
});

const resolver = (server = dns) => createPacketResolver({ servers: [server.address], timeoutMs: 300, retries: 0 });

describe('hostile DNS answers', () => {
  it(`2,000 A records: the answer comes over TCP and LIMITS.dnsRecords (${LIMITS.dnsRecords}) are kept`, async () => {
    const r = await resolver().query<string>('many.test', 'A');
    expect(r).toMatchObject({ status: 'records', via: 'tcp' });
    expect(r.records).toEqual(many.slice(0, LIMITS.dnsRecords));
    expect(LIMITS.dnsMessageBytes).toBe(0xffff);
  });

  it('mismatched ids are never taken for the answer', async () => {
    dns.set({ wrongId: true });
    const r = await resolver().query('ok.test', 'A');
    expect(r.status).toBe('error');
    expect(r.records).toEqual([]);
    expect(probeErrorText(r)).toMatch(/^\S+: reply with an unexpected id \d+$/);
  });

  it('answer records for another name (spoofing) are not the answer', async () => {
    dns.set({ answerOwner: 'evil.test' });
    const r = await resolver().query('ok.test', 'A');
    expect(r.status).toBe('nodata');
    expect(r.records).toEqual([]);
  });

  it('a CNAME loop is an error, not a hang', async () => {
    const r = await resolver().query('a.loop.test', 'A');
    expect(r.status).toBe('error');
    expect(probeErrorText(r)).toMatch(/^\S+: CNAME loop: CNAME a\.loop\.test → /);
  });

  it('a compression pointer loop is a malformed reply, never decoded', async () => {
    dns.set({ compressionLoop: true });
    const r = await resolver().query('ok.test', 'A');
    expect(r.status).toBe('error');
    expect(probeErrorText(r)).toMatch(/^\S+: malformed reply: /);
  });

  it('a truncated UDP answer with DNS over TCP refused is a classified failure', async () => {
    udpOnly.zone = { 'ok.test': { A: ['192.0.2.1'] } };
    udpOnly.set({ truncate: true });
    const r = await resolver(udpOnly).query('ok.test', 'A');
    expect(r.status).toBe('unreachable');
    expect(probeErrorText(r)).toMatch(/^\S+: UDP reply truncated, TCP ECONNREFUSED$/);
  });
});

describe('counts', () => {
  it(`getaddrinfo answers keep LIMITS.dnsRecords (${LIMITS.dnsRecords}) addresses; an endpoint probes LIMITS.addressesPerFamily (${LIMITS.addressesPerFamily}) per family`, async () => {
    const r = await lookupHost('many.test', 4, 1000, undefined, async () =>
      many.map((address) => ({ address, family: 4 })),
    );
    expect(r.records).toHaveLength(LIMITS.dnsRecords);
    const e = await resolveHost('many.test', hostLookupFor(resolver()), {}, () => new AbortController().signal);
    expect(e.addresses).toHaveLength(LIMITS.addressesPerFamily);
    expect(e.notProbed).toHaveLength(LIMITS.dnsRecords - LIMITS.addressesPerFamily);
  });

  it(`checks the addresses of at most LIMITS.srvTargetChecks (${LIMITS.srvTargetChecks}) SRV targets`, async () => {
    const targets = Array.from({ length: 12 }, (_, i) => `imap${i}.example.test`);
    dns.zone = {
      'example.test': {},
      '_imaps._tcp.example.test': { SRV: targets.map((target, i) => ({ priority: i, weight: 0, port: 993, target })) },
    };
    const r = createPacketResolver({ servers: [dns.address], timeoutMs: 2000, retries: 0 });
    const address = parseAddress('alice@example.test');
    await createDiscoverer({ resolver: r, lookup: hostLookupFor(r) })(
      address,
      defaultRunOptions(address.address, { timeoutMs: 3000, ispdb: false }),
      new AbortController().signal,
    );
    const checked = new Set(dns.queries.filter((q) => q.type === 'A' && q.name.startsWith('imap')).map((q) => q.name));
    expect(checked.size).toBe(LIMITS.srvTargetChecks);
  });

  it('an SRV target that is not a host name is never dialled and never crashes the source', async () => {
    dns.zone = {
      'example.test': {},
      '_autodiscover._tcp.example.test': { SRV: [{ priority: 0, weight: 0, port: 443, target: 'a b.example.test' }] },
    };
    const r = createPacketResolver({ servers: [dns.address], timeoutMs: 2000, retries: 0 });
    const address = parseAddress('alice@example.test');
    const { evidence } = await createDiscoverer({ resolver: r, lookup: hostLookupFor(r) })(
      address,
      defaultRunOptions(address.address, { timeoutMs: 3000, ispdb: false }),
      new AbortController().signal,
    );
    const ad = evidence.sources.find((s) => s.source === 'autodiscover-srv');
    expect(ad).toMatchObject({ status: 'invalid', invalid: { reason: 'bad-hostname', detail: 'a b.example.test' } });
    expect(ad?.error).toBeUndefined();
  });
});
