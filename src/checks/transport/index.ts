/** Transport checks, in checklist order. */
import type { Check } from '../types.js';
import { resolveCheck } from './resolve.js';
import { tcpCheck } from './tcp.js';
import { portModeCheck } from './port-mode.js';

export const TRANSPORT_CHECKS: readonly Check[] = [resolveCheck, tcpCheck, portModeCheck];
