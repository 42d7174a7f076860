/** Check: when every candidate was a guess and none answered as IMAP, say that nothing was found. */
import type { Check } from '../types.js';
import { finding } from '../types.js';

export const nothingFoundCheck: Check = {
  id: 'discovery/nothing-found',
  run: (ctx) => {
    if (ctx.endpoints.length === 0) return [finding('DISCOVERY_NOTHING_FOUND', 'discovery', { domain: ctx.address.domain, guesses: [], sourcesTried: ['discovery'] })];
    if (!ctx.endpoints.every((e) => e.candidate.provenance === 'guess')) return [];
    const imapAnswered = ctx.endpoints.some((e) => e.addresses.some((a) => a.greeting.state === 'ok' && (a.greeting.value.kind === 'ok' || a.greeting.value.kind === 'preauth' || a.greeting.value.kind === 'bye')));
    if (imapAnswered) return [];
    return [
      finding('DISCOVERY_NOTHING_FOUND', 'discovery', {
        domain: ctx.address.domain,
        guesses: [...new Set(ctx.endpoints.map((e) => e.candidate.host))],
        sourcesTried: ctx.discovery ? ctx.discovery.sources.map((s) => s.source) : ['guesses'],
      }),
    ];
  },
};
