/** NXDOMAIN for a big provider's own domain blames the resolver, never the address. */
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../../src/address.js';
import { dnsCheck } from '../../../../src/checks/discovery/dns.js';
import type { DiscoveryEvidence } from '../../../../src/model/discovery.js';
import { context } from '../../../helpers/evidence.js';

function discovery(domain: string): DiscoveryEvidence {
  return {
    domain,
    resolverWorking: true,
    sources: [
      {
        source: 'mx',
        query: `${domain} MX`,
        status: 'nxdomain',
        ms: 3,
        servers: [],
        trust: 'trusted',
        trustReason: 'dns',
        facts: { dnsStatus: 'nxdomain', dnsServer: '10.0.0.53:53' },
      },
    ],
  };
}

describe('discovery/dns on NXDOMAIN', () => {
  it('gmail.com "does not exist": the resolver is lying (your network must act)', () => {
    const f = dnsCheck.run(
      context([], { address: parseAddress('alice@gmail.com'), discovery: discovery('gmail.com') }),
    );
    expect(f.map((x) => x.code)).toEqual(['DNS_FALSE_NXDOMAIN']);
    expect(f[0]?.params).toMatchObject({
      domain: 'gmail.com',
      server: '10.0.0.53:53',
      provider: 'Google (Gmail / Google Workspace)',
    });
  });

  it('an unknown domain that does not exist: DNS_NXDOMAIN (check the spelling)', () => {
    const f = dnsCheck.run(
      context([], { address: parseAddress('alice@exmaple.com'), discovery: discovery('exmaple.com') }),
    );
    expect(f.map((x) => x.code)).toEqual(['DNS_NXDOMAIN']);
  });
});
