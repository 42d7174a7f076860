/**
 * Check: IPv6 against IPv4 where an endpoint connects over IPv4. IPv6 failing everywhere in the run
 * is the path (IPV6_PATH_BROKEN, once; only information when this computer has no IPv6 route at
 * all); an IPv6 address refusing or dropping IMAP while IPv6 works is the server (IPV6_SERVICE_MISSING).
 */
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { addressList, answered, portList, reachOf } from './reach.js';

export const ipv6Check: Check = {
  id: 'network/ipv6',
  needs: ['endpoints'],
  run: (ctx) => {
    const reach = reachOf(ctx);
    if (reach.noNetwork) return [];
    const out = [];
    const broken = reach.ipv6.pathBroken;
    if (broken.length > 0) {
      const absent = broken.every((a) => a.reply === 'no-route');
      const params = {
        addresses: addressList(broken),
        hosts: [...new Set(broken.map((a) => a.host))],
        absent,
        timeoutMs: ctx.timeoutMs,
      };
      out.push(finding('IPV6_PATH_BROKEN', 'tcp', params, absent ? { severity: 'info' } : undefined));
    }
    for (const e of ctx.endpoints) {
      const missing = reach.ipv6.serviceMissing.filter((a) => a.endpoint === e.id);
      if (missing.length === 0) continue;
      const addresses = addressList(missing);
      const elsewhere = reach.attempts.filter(
        (x) => addresses.includes(x.address) && x.port !== e.candidate.port && answered(x.reply),
      );
      out.push(
        finding(
          'IPV6_SERVICE_MISSING',
          'tcp',
          { addresses, refused: missing.some((a) => a.reply === 'refused'), answeredPorts: portList(elsewhere) },
          { e },
        ),
      );
    }
    return out;
  },
};
