/**
 * Check: could discovery look at all? NXDOMAIN for the address's domain (MX query) means the
 * domain does not exist; SERVFAIL, timeouts or an unreachable resolver mean "could not look",
 * which must never read as "nothing published". NXDOMAIN for a big provider's own domain
 * (gmail.com…) means a resolver that gives false answers. Every DNS step of every source is counted; all
 * failing is an error, some failing a warning.
 */
import { dnsAnswered, dnsStep } from '../../model/reading.js';
import { PROVIDERS, providerDomains } from '../../knowledge/providers.js';
import type { Check } from '../types.js';
import { discoveryOf, finding } from '../types.js';

export const dnsCheck: Check = {
  id: 'discovery/dns',
  needs: ['discovery'],
  run: (ctx) => {
    const d = discoveryOf(ctx);
    const domain = d.domain;
    const steps = d.sources.flatMap((s) => {
      const step = dnsStep(s);
      return step ? [{ query: s.query, ...step }] : [];
    });
    const server = steps
      .map((s) => s.dnsServer)
      .find((x): x is string => typeof x === 'string' && x !== '' && x !== 'system');
    const mx = d.sources.find((s) => s.source === 'mx');
    if (mx?.status === 'nxdomain') {
      // A big provider's own domain certainly exists: then the resolver is what is wrong.
      const known = PROVIDERS.find((p) => providerDomains(p).includes(domain));
      if (known)
        return [
          finding('DNS_FALSE_NXDOMAIN', 'discovery', { domain, provider: known.name, ...(server ? { server } : {}) }),
        ];
      return [finding('DNS_NXDOMAIN', 'discovery', { domain, ...(server ? { server } : {}) })];
    }
    const failed = steps.filter((s) => !dnsAnswered(s.dnsStatus));
    if (failed.length === 0) return [];
    const statuses: string[] = failed.map((s) => s.dnsStatus);
    const code = statuses.includes('unreachable')
      ? 'DNS_UNREACHABLE'
      : statuses.includes('timeout')
        ? 'DNS_TIMEOUT'
        : 'DNS_SERVFAIL';
    const all = failed.length === steps.length;
    // DNS sources name their question in the query ("x SRV", "x MX"); HTTP sources looked up a host's addresses.
    const question = (s: (typeof failed)[number]) =>
      s.query.includes('://') ? `${String(s.dnsName)} A/AAAA` : s.query;
    const lookups = [...new Set(failed.map((s) => `${question(s)} (${s.dnsStatus})`))];
    const status = statuses.includes('servfail')
      ? 'servfail'
      : (statuses.find((x) => x === 'refused' || x === 'error') ?? 'servfail');
    return [
      finding(
        code,
        'discovery',
        {
          domain,
          lookups,
          all,
          resolverWorking: d.resolverWorking === true,
          ...(server ? { server } : {}),
          ...(code === 'DNS_SERVFAIL' ? { status } : {}),
        },
        { severity: all ? 'error' : 'warning' },
      ),
    ];
  },
};
