/**
 * RESOLVERS_DISAGREE from hand-built evidence: the race of getaddrinfo and the doctor's own DNS client
 * (src/dns/race.ts) kept a disagreement. Shown once per host and family, as information while the host
 * works and as a warning when nothing on it does; never without a disagreement. The texts name both answers.
 */
import { describe, expect, it } from 'vitest';
import { renderEntry } from '../../../../src/catalogue/index.js';
import { resolversCheck } from '../../../../src/checks/network/resolvers.js';
import type { EndpointEvidence, ResolveLookup } from '../../../../src/model/evidence.js';
import { addressProbe, candidate, context, endpoint } from '../../../helpers/evidence.js';

const skip = { state: 'skipped' as const, blockedBy: 'tcp' as const };
const timedOut = {
  ...addressProbe('tls', {
    address: '192.0.2.99',
    tcp: { state: 'failed', error: { code: 'TIMEOUT', message: 'timeout' }, ms: 5000 },
    greeting: skip,
    capability: skip,
  }),
  tls: skip,
};

function withResolve(port: number, over: Partial<ResolveLookup>, healthy = true): EndpointEvidence {
  const resolve: ResolveLookup = {
    ms: 3,
    via: 'system',
    a: 'records',
    aaaa: 'nodata',
    addresses: [{ address: '192.0.2.99', family: 4 }],
    ...over,
  };
  const c = candidate('imap.example.com', port, 'tls');
  return endpoint(c, { resolve, addresses: [healthy ? addressProbe('tls', { address: '192.0.2.99' }) : timedOut] });
}

const hostsEntry = { server: '192.0.2.53:53', status: 'records' as const, records: ['192.0.2.10'], family: 4 as const };

describe('RESOLVERS_DISAGREE', () => {
  it('no disagreement in the evidence: nothing', () => {
    expect(resolversCheck.run(context([withResolve(993, {})]))).toEqual([]);
  });

  it("the system's answer (a hosts-file entry) kept while the host works: information naming both answers", () => {
    const [f, ...more] = resolversCheck.run(context([withResolve(993, { disagreements: [hostsEntry] })]));
    expect(more).toEqual([]);
    expect(f).toMatchObject({
      code: 'RESOLVERS_DISAGREE',
      severity: 'info',
      params: {
        host: 'imap.example.com',
        family: 4,
        keptBy: 'system',
        kept: ['192.0.2.99'],
        otherServer: '192.0.2.53:53',
        other: ['192.0.2.10'],
      },
    });
    const text = renderEntry(f!.code, f!.params, f!.subject);
    expect(text.explanation).toContain("this computer's own lookup");
    expect(text.explanation).toMatch(/says 192\.0\.2\.99, and the DNS server 192\.0\.2\.53:53 says 192\.0\.2\.10/);
    expect(text.fix.join(' ')).toContain('/etc/hosts');
  });

  it('nothing on the host works: a warning; the same host on two ports gives one finding', () => {
    const eps = [993, 143].map((p) => withResolve(p, { disagreements: [hostsEntry] }, false));
    const out = resolversCheck.run(context(eps));
    expect(out.map((f) => [f.code, f.severity])).toEqual([['RESOLVERS_DISAGREE', 'warning']]);
  });

  it("the own client's answer kept (getaddrinfo late) and getaddrinfo said no address: both said in words", () => {
    const d = { server: 'system', status: 'nodata' as const, records: [], family: 4 as const };
    const [f] = resolversCheck.run(context([withResolve(993, { via: '192.0.2.53:53', disagreements: [d] })]));
    expect(f?.params).toMatchObject({ keptBy: 'dns', keptServer: '192.0.2.53:53', other: ['nodata'] });
    const text = renderEntry(f!.code, f!.params, f!.subject);
    expect(text.explanation).toMatch(
      /the DNS server 192\.0\.2\.53:53 says 192\.0\.2\.99, and this computer's own lookup .* says it has no address, too late/,
    );
  });

  it('the other resolver failed (unreachable, timeout): no answer to disagree with, nothing', () => {
    const d = { server: '192.0.2.53:53', status: 'unreachable' as const, records: [], family: 4 as const };
    expect(resolversCheck.run(context([withResolve(993, { disagreements: [d] })]))).toEqual([]);
  });

  it('a crashed resolve carries no disagreement and is skipped', () => {
    const crashed = endpoint(candidate(), {
      resolve: { crashed: 'resolve', ms: 0, addresses: [], error: { code: 'INTERNAL', message: 'bug' } },
      addresses: [],
    });
    expect(resolversCheck.run(context([crashed]))).toEqual([]);
  });
});
