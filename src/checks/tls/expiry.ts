/**
 * Check: does the certificate run out soon? A warning when the leaf's notAfter (RFC 5280
 * §4.1.2.5) lies within `ctx.expiryWarningDays` of now and has not passed yet (0 turns it off).
 * Not judged on an intercepted chain, nor when the local clock is what is wrong.
 */
import type { Check } from '../types.js';
import { finding, perAddress, tlsOf, tlsStageOf } from '../types.js';
import { judgeClock } from './clock.js';
import { interceptionOf } from './interception.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const expiryCheck: Check = {
  id: 'tls/expiry',
  needs: ['tls'],
  run: (ctx) => {
    if (ctx.expiryWarningDays <= 0 || judgeClock(ctx)) return [];
    const now = ctx.now.getTime();
    return perAddress(ctx, (e, a) => {
      const t = tlsOf(a);
      const leaf = t?.state === 'ok' ? t.value.chain[0] : undefined;
      if (!t || t.state !== 'ok' || !leaf || interceptionOf(t.value)) return [];
      const from = Date.parse(leaf.validFrom);
      const to = Date.parse(leaf.validTo);
      if (!(from <= now && now <= to) || to - now > ctx.expiryWarningDays * DAY_MS) return [];
      return [
        finding(
          'TLS_CERT_EXPIRING_SOON',
          tlsStageOf(a),
          { daysLeft: Math.ceil((to - now) / DAY_MS), validTo: leaf.validTo, warningDays: ctx.expiryWarningDays },
          { e, a },
        ),
      ];
    });
  },
};
