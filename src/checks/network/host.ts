/**
 * Check: an IMAP port that got no answer. If the same address answers on another port, that port
 * is filtered (SERVER_PORT_FILTERED); if every port tried there stays silent, the host is down or
 * the address wrong (HOST_UNREACHABLE). Skipped where a run-wide or IPv6 explanation holds. When
 * every IMAP port of the run is silent, one server cannot tell its own filter from the user's network
 * blocking mail (reach.ts): the finding says so (`localAlternative`), unless the --reference server
 * answered, which proves mail passes this network (`reference`).
 */
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { referenceText } from '../../options.js';
import { addressList, answered, portList, reachOf, unanswered, type Attempt, type Reach } from './reach.js';

/** What the finding adds about the user's network: possibly the cause, or proven not to be. */
function networkParams(reach: Reach): { localAlternative: boolean; reference?: string } {
  const ref = reach.referenceAnswered[0];
  return { localAlternative: reach.mailSilent, ...(ref ? { reference: referenceText(ref) } : {}) };
}

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
        const others = reach.attempts.filter((x) => x.address === a.address && x.port !== a.port && !x.reference);
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
          finding(
            'SERVER_PORT_FILTERED',
            'tcp',
            {
              addresses: addressList(filtered),
              answeredPorts: portList(answers),
              icmp: filtered.every((a) => a.reply === 'unreachable'),
              timeoutMs: ctx.timeoutMs,
              ...networkParams(reach),
            },
            { e },
          ),
        );
      }
      if (down.length > 0) {
        out.push(
          finding(
            'HOST_UNREACHABLE',
            'tcp',
            {
              addresses: addressList(down),
              triedPorts: portList(tried),
              icmp: tried.every((a) => a.reply === 'unreachable'),
              timeoutMs: ctx.timeoutMs,
            },
            { e },
          ),
        );
      }
      return out;
    });
  },
};
