/**
 * Check: when nothing was published and none of the guesses answered as IMAP, say that nothing was
 * found — but never when discovery could not look (the DNS checks say so), when the domain does
 * not exist, or when the published settings offer POP3 only (PROVIDER_OFFERS_NO_IMAP says so).
 */
import type { Check } from '../types.js';
import { finding } from '../types.js';

const COULD_NOT_LOOK = new Set(['timeout', 'servfail', 'refused', 'unreachable', 'tls-error', 'http-error']);

export const nothingFoundCheck: Check = {
  id: 'discovery/nothing-found',
  needs: [],
  run: (ctx) => {
    const d = ctx.discovery;
    const domain = ctx.address.domain;
    if (d) {
      if (d.resolverWorking === false) return [];
      if (d.sources.some((s) => s.source === 'mx' && s.status === 'nxdomain')) return [];
      const guess = d.sources.find((s) => s.source === 'guess');
      if (ctx.endpoints.length === 0 && guess?.status !== 'found') return [];
    }
    const notChecked = d ? d.sources.filter((s) => COULD_NOT_LOOK.has(s.status)).map((s) => s.source) : [];
    const sourcesTried = d
      ? d.sources.filter((s) => s.status !== 'disabled' && s.source !== 'guess').map((s) => s.source)
      : ['guesses'];
    if (ctx.endpoints.length === 0)
      return [finding('DISCOVERY_NOTHING_FOUND', 'discovery', { domain, guesses: [], sourcesTried, notChecked })];
    if (!ctx.endpoints.every((e) => e.candidate.provenance === 'guess')) return [];
    const imapAnswered = ctx.endpoints.some((e) =>
      e.addresses.some(
        (a) =>
          a.greeting.state === 'ok' &&
          (a.greeting.value.kind === 'ok' || a.greeting.value.kind === 'preauth' || a.greeting.value.kind === 'bye'),
      ),
    );
    if (imapAnswered) return [];
    return [
      finding('DISCOVERY_NOTHING_FOUND', 'discovery', {
        domain,
        guesses: [...new Set(ctx.endpoints.map((e) => e.candidate.host))],
        sourcesTried,
        notChecked,
      }),
    ];
  },
};
