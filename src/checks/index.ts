/**
 * The checklist: every check in display order, area by area. The runner calls each one and turns
 * a throwing check into an INTERNAL_ERROR finding, so a doctor bug never hides the rest.
 */
import type { Finding } from '../model/finding.js';
import type { Check, CheckContext } from './types.js';
import { DISCOVERY_CHECKS } from './discovery/index.js';
import { TRANSPORT_CHECKS } from './transport/index.js';
import { NETWORK_CHECKS } from './network/index.js';
import { TLS_CHECKS } from './tls/index.js';
import { IMAP_CHECKS } from './imap/index.js';
import { AUTH_CHECKS } from './auth/index.js';
import { RUN_CHECKS } from './run/index.js';
import { internalFinding } from '../errors/classify.js';

export const CHECKS: readonly Check[] = [...DISCOVERY_CHECKS, ...TRANSPORT_CHECKS, ...NETWORK_CHECKS, ...TLS_CHECKS, ...IMAP_CHECKS, ...AUTH_CHECKS, ...RUN_CHECKS];

export function runChecks(ctx: CheckContext, checks: readonly Check[] = CHECKS): Finding[] {
  return checks.flatMap((c) => {
    try {
      return c.run(ctx);
    } catch (err) {
      return [internalFinding({ step: 'check', check: c.id }, err)];
    }
  });
}

export type { Check, CheckContext } from './types.js';
