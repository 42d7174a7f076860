/** Checks about the run as a whole. */
import type { Check } from '../types.js';
import {
  deadlineCheck,
  internalEvidenceCheck,
  interruptedCheck,
  loginNotTestedCheck,
  plainSecurityCheck,
} from './run.js';

export const RUN_CHECKS: readonly Check[] = [
  plainSecurityCheck,
  loginNotTestedCheck,
  interruptedCheck,
  deadlineCheck,
  internalEvidenceCheck,
];
