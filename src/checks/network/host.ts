/**
 * Check: an IMAP port that got no answer. If the same address answers on another port, that port
 * is filtered (SERVER_PORT_FILTERED); if every port tried there stays silent, the host is down or
 * the address wrong (HOST_UNREACHABLE). Skipped where a run-wide or IPv6 explanation holds.
 */
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { addressList, answered, portList, reachOf, unanswered, type Attempt } from './reach.js';

export const hostCheck: Check = {
  id: 'network/host',
  needs: ['endpoints'],
  run: (ctx) => {
    const reach = reachOf(ctx);
    if (reach.noNetwork || reach.localBlocksMail) return [];
    const byIpv6 = new Set([...reach.ipv6.pathBroken, ...reach.ipv6.serviceMissing]);
    return ctx.endpoints.flatMap((e) => {
      const filtered: Attempt[] = [];
      const down: Attempt[] = [];
      const answers: Attempt[] = [];
      const tried: Attempt[] = [];
      for (const a of reach.own.get(e.id) ?? []) {
        if (!unanswered(a.reply) || byIpv6.has(a)) continue;
        const others = reach.attempts.filter((x) => x.address === a.address && x.port !== a.port);
        const yes = others.filter((x) => answered(x.reply));
        if (yes.length > 0) {
          filtered.push(a);
          answers.push(...yes);
        } else if (others.some((x) => unanswered(x.reply))) {
          down.push(a);
          tried.push(a, ...others);
        }
      }
      const out = [];
      if (filtered.length > 0) {
        out.push(
          finding('SERVER_PORT_FILTERED', 'tcp', { addresses: addressList(filtered), answeredPorts: portList(answers), icmp: filtered.every((a) => a.reply === 'unreachable'), timeoutMs: ctx.timeoutMs }, { e }),
        );
      }
      if (down.length > 0) {
        out.push(finding('HOST_UNREACHABLE', 'tcp', { addresses: addressList(down), triedPorts: portList(tried), icmp: tried.every((a) => a.reply === 'unreachable'), timeoutMs: ctx.timeoutMs }, { e }));
      }
      return out;
    });
  },
};
