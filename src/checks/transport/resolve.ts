/** Check: does the endpoint's host name resolve to an address (A and AAAA asked separately)? */
import type { Check } from '../types.js';
import { finding, notEvidence } from '../types.js';
import { dnsAnswered, lookupOf, errorParams } from '../../model/reading.js';

export const resolveCheck: Check = {
  id: 'transport/resolve',
  needs: ['endpoints'],
  run: (ctx) =>
    ctx.endpoints.flatMap((e) => {
      const r = lookupOf(e);
      if (!r?.error || notEvidence(r.error)) return [];
      const failed = [r.a, r.aaaa].find((s) => !dnsAnswered(s));
      if (failed)
        return [finding('DNS_LOOKUP_FAILED', 'resolve', { status: failed, ...errorParams('detail', r.error) }, { e })];
      return [finding('DNS_NO_ADDRESS', 'resolve', { a: r.a, aaaa: r.aaaa }, { e })];
    }),
};
