/** Check: does anything answer at all? DNS without any answer and no connection anywhere → NO_NETWORK. */
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { reachOf, target } from './reach.js';

/** Enough targets to make the point in the text; the evidence keeps them all. */
const SHOWN = 6;

export const noNetworkCheck: Check = {
  id: 'network/no-network',
  needs: [],
  run: (ctx) => {
    const reach = reachOf(ctx);
    if (!reach.noNetwork) return [];
    const tried = [...new Set(reach.attempts.filter((a) => a.kind !== 'resolver').map(target))];
    const resolvers = [...new Set(reach.attempts.filter((a) => a.kind === 'resolver').map((a) => a.address))];
    return [
      finding('NO_NETWORK', 'resolve', {
        dns: reach.dnsFailures.slice(0, SHOWN),
        tried: tried.slice(0, SHOWN),
        resolvers,
      }),
    ];
  },
};
