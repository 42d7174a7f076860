/** transport/resolve on hand-built evidence: a host without any address, a lookup that failed, and the silent cases. */
import { describe, expect, it } from 'vitest';
import { resolveCheck } from '../../../../src/checks/transport/resolve.js';
import type { EndpointEvidence } from '../../../../src/model/evidence.js';
import { candidate, context, endpoint } from '../../../helpers/evidence.js';
import { idOf, judged } from '../../../helpers/findings.js';

const resolved = (resolve: EndpointEvidence['resolve']) => context([endpoint(candidate(), { resolve, addresses: [] })]);
const lookup = (
  a: 'nodata' | 'nxdomain' | 'timeout' | 'refused',
  aaaa: typeof a,
  code: 'NXDOMAIN' | 'NODATA' | 'TIMEOUT' | 'ABORTED',
  message = 'no address',
) => resolved({ ms: 1, via: 'system', a, aaaa, addresses: [], error: { code, message } });

describe('transport/resolve', () => {
  it('both families answered without an address: DNS_NO_ADDRESS with each status', () => {
    expect(judged(resolveCheck.run(lookup('nodata', 'nxdomain', 'NODATA')))).toEqual([
      { code: 'DNS_NO_ADDRESS', stage: 'resolve', endpoint: idOf('tls'), params: { a: 'nodata', aaaa: 'nxdomain' } },
    ]);
  });

  it('a family without an answer (timeout, REFUSED) is DNS_LOOKUP_FAILED naming that status and the error', () => {
    expect(judged(resolveCheck.run(lookup('nodata', 'timeout', 'TIMEOUT', 'queryAaaa ETIMEOUT')))).toEqual([
      {
        code: 'DNS_LOOKUP_FAILED',
        stage: 'resolve',
        endpoint: idOf('tls'),
        params: { status: 'timeout', detail: 'queryAaaa ETIMEOUT' },
      },
    ]);
    expect(resolveCheck.run(lookup('refused', 'nodata', 'TIMEOUT'))[0]?.params.status).toBe('refused');
  });

  it('addresses found, a lookup the deadline cut, or a crashed probe: nothing', () => {
    expect(resolveCheck.run(context([endpoint()]))).toEqual([]);
    expect(resolveCheck.run(lookup('timeout', 'timeout', 'ABORTED'))).toEqual([]);
    expect(
      resolveCheck.run(
        resolved({ crashed: 'resolve', error: { code: 'INTERNAL', message: 'boom' } } as EndpointEvidence['resolve']),
      ),
    ).toEqual([]);
  });
});
