/** Discovery checks, in checklist order: could we look, what each source published (SRV, PACC, autoconfig), how they agree, nothing found. */
import type { Check } from '../types.js';
import { autoconfigCheck } from './autoconfig.js';
import { consistencyCheck } from './consistency.js';
import { dnsCheck } from './dns.js';
import { nothingFoundCheck } from './nothing-found.js';
import { providerCheck } from './provider.js';
import { refusedCheck } from './refused.js';
import { srvCheck } from './srv.js';
import { paccCheck } from './pacc.js';

export const DISCOVERY_CHECKS: readonly Check[] = [
  dnsCheck,
  providerCheck,
  srvCheck,
  paccCheck,
  autoconfigCheck,
  refusedCheck,
  consistencyCheck,
  nothingFoundCheck,
];
