/** Checks about the run as a whole: the login not tested, a plain-text endpoint, the deadline. */
import type { Check } from '../types.js';
import { finding } from '../types.js';

export const loginNotTestedCheck: Check = {
  id: 'run/login-not-tested',
  run: (ctx) => (ctx.credentials === null ? [finding('LOGIN_NOT_TESTED', 'run', { reason: ctx.noLoginReason ?? 'no-password' })] : []),
};

export const plainSecurityCheck: Check = {
  id: 'run/plain-security',
  run: (ctx) => ctx.endpoints.filter((e) => e.candidate.security === 'plain').map((e) => finding('SECURITY_PLAIN', 'tcp', {}, { e })),
};

export const deadlineCheck: Check = {
  id: 'run/deadline',
  run: (ctx) => (ctx.deadlineHit.length > 0 ? [finding('RUN_DEADLINE_EXCEEDED', 'run', { deadlineMs: ctx.deadlineMs, steps: ctx.deadlineHit })] : []),
};
