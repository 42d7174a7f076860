/**
 * DANE's DNSSEC questions go through the run's own cached resolver (every question of a run carries DO,
 * dns/query.ts RUN_DNSSEC), so the probe's A/AAAA question and DANE's are one. An answer the cache holds
 * only from an SRV answer's additional section is not taken for DNSSEC (the AD bit does not cover that
 * section, RFC 4035 §3.2.3): askChecked asks the network for it. Against the loopback DNS server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { askChecked, dnssecNetwork } from '../../../src/dns/dnssec.js';
import { discoveryNetwork, resolverPlan } from '../../../src/discovery/index.js';
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
    '_imaps._tcp.mail.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: 'imap.mail.test' }] },
    'imap.mail.test': { A: ['192.0.2.11'] },
  };
});

const never = () => new AbortController().signal;
const opts = () => ({ dnsServers: [dns.address], timeoutMs: 2000 });

describe("DANE's questions on the run's resolver", () => {
  it('the probe and DANE share one A question, asked with DO', async () => {
    const { resolver, lookup } = discoveryNetwork(opts());
    const net = dnssecNetwork(resolverPlan(opts()), resolver);
    await lookup('imap.mail.test', 4, never());
    const a = await askChecked<string>(net, 'imap.mail.test', 'A', never());
    expect(a.records).toEqual(['192.0.2.11']);
    expect(dns.queries.filter((q) => q.name === 'imap.mail.test' && q.type === 'A')).toMatchObject([{ do: true }]);
  });

  it("an address known only from an SRV answer's additional section: the probe uses it, DANE asks the network", async () => {
    dns.set({ additional: true });
    const { resolver, lookup } = discoveryNetwork(opts());
    const net = dnssecNetwork(resolverPlan(opts()), resolver);
    await resolver.query('_imaps._tcp.mail.test', 'SRV');
    expect((await lookup('imap.mail.test', 4, never())).records).toEqual(['192.0.2.11']);
    expect(dns.count('imap.mail.test', 'A')).toBe(0);
    const a = await askChecked<string>(net, 'imap.mail.test', 'A', never());
    expect(a.fromAdditional).toBeUndefined();
    expect(a.records).toEqual(['192.0.2.11']);
    expect(dns.count('imap.mail.test', 'A')).toBe(1);
  });
});
