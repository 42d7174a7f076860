/** The AD bit is believed only when the path to the validating resolver cannot be forged. */
import { describe, expect, it } from 'vitest';
import { adTrustworthy, withoutAd, type Resolver } from '../../../src/dns/resolver.js';

describe('adTrustworthy', () => {
  it('a resolver on this machine, or one the user named with --dns: believed', () => {
    expect(adTrustworthy(['127.0.0.53:53'], false, '')).toBe(true);
    expect(adTrustworthy(['[::1]:53'], false, '')).toBe(true);
    expect(adTrustworthy(['192.0.2.53:53'], true, '')).toBe(true);
  });
  it('a resolver elsewhere on the network: not believed, unless resolv.conf says options trust-ad', () => {
    expect(adTrustworthy(['192.168.1.1:53'], false, 'nameserver 192.168.1.1\n')).toBe(false);
    expect(adTrustworthy(['127.0.0.53:53', '192.168.1.1:53'], false, '')).toBe(false);
    expect(adTrustworthy(['192.168.1.1:53'], false, 'nameserver 192.168.1.1\noptions edns0 trust-ad\n')).toBe(true);
  });
});

describe('withoutAd', () => {
  it('clears the bit and keeps everything else', async () => {
    const r: Resolver = {
      servers: ['192.0.2.53:53'],
      query: async <T>(name: string, type: string) => ({
        name,
        type,
        status: 'records' as const,
        records: ['x'] as T[],
        ad: true,
        server: '192.0.2.53:53',
        ms: 1,
        via: 'udp' as const,
      }),
    };
    const a = await withoutAd(r).query('_imaps._tcp.example.com', 'SRV');
    expect(a).toMatchObject({ ad: false, status: 'records', records: ['x'], name: '_imaps._tcp.example.com' });
  });
});
