/**
 * The checklist: every check in display order, area by area. The runner skips a check whose declared
 * evidence is missing (one coded reason: the missing need), calls the others, and turns a throwing
 * check into an INTERNAL_ERROR finding, so a doctor bug never hides the rest.
 */
import type { Finding } from '../model/finding.js';
import type { Check, CheckContext, Need } from './types.js';
import { missingNeed } from './types.js';
import { DISCOVERY_CHECKS } from './discovery/index.js';
import { TRANSPORT_CHECKS } from './transport/index.js';
import { NETWORK_CHECKS } from './network/index.js';
import { TLS_CHECKS } from './tls/index.js';
import { IMAP_CHECKS } from './imap/index.js';
import { AUTH_CHECKS } from './auth/index.js';
import { RUN_CHECKS } from './run/index.js';
import { SYNC_CHECKS } from './sync/index.js';
import { internalFinding } from '../errors/classify.js';

export const CHECKS: readonly Check[] = [
  ...DISCOVERY_CHECKS,
  ...TRANSPORT_CHECKS,
  ...NETWORK_CHECKS,
  ...TLS_CHECKS,
  ...IMAP_CHECKS,
  ...AUTH_CHECKS,
  ...SYNC_CHECKS,
  ...RUN_CHECKS,
];

/** Each check and, when the evidence lacks what it needs, the one coded reason it is skipped. */
export function planChecks(
  ctx: CheckContext,
  checks: readonly Check[] = CHECKS,
): Array<{ check: Check; skipped?: Need }> {
  return checks.map((check) => {
    const skipped = missingNeed(ctx, check);
    return skipped ? { check, skipped } : { check };
  });
}

export function runChecks(ctx: CheckContext, checks: readonly Check[] = CHECKS): Finding[] {
  return planChecks(ctx, checks).flatMap(({ check: c, skipped }) => {
    if (skipped) return [];
    try {
      return c.run(ctx);
    } catch (err) {
      return [internalFinding({ step: 'check', check: c.id }, err)];
    }
  });
}

export type { Check, CheckContext, Need } from './types.js';
