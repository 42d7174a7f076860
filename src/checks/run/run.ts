/** Checks about the run as a whole: the login not tested, a plain-text endpoint, the deadline. */
import type { Check } from '../types.js';
import { finding, stageOutcomes } from '../types.js';

export const loginNotTestedCheck: Check = {
  id: 'run/login-not-tested',
  run: (ctx) => (ctx.credentials === null ? [finding('LOGIN_NOT_TESTED', 'run', { reason: ctx.noLoginReason ?? 'no-password' })] : []),
};

export const plainSecurityCheck: Check = {
  id: 'run/plain-security',
  run: (ctx) => ctx.endpoints.filter((e) => e.candidate.security === 'plain').map((e) => finding('SECURITY_PLAIN', 'tcp', {}, { e })),
};

export const interruptedCheck: Check = {
  id: 'run/interrupted',
  run: (ctx) => (ctx.interrupted ? [finding('RUN_INTERRUPTED', 'run', { steps: ctx.interrupted })] : []),
};

export const deadlineCheck: Check = {
  id: 'run/deadline',
  run: (ctx) => (ctx.deadlineHit.length > 0 ? [finding('RUN_DEADLINE_EXCEEDED', 'run', { deadlineMs: ctx.deadlineMs, steps: ctx.deadlineHit })] : []),
};

/** A probe or source that failed with INTERNAL is a doctor bug: say so, whatever else it broke. */
export const internalEvidenceCheck: Check = {
  id: 'run/internal-evidence',
  run: (ctx) => {
    const out = [];
    for (const s of ctx.discovery?.sources ?? []) {
      if (s.error?.code === 'INTERNAL') out.push(finding('INTERNAL_ERROR', 'run', { where: `discovery source ${s.source}`, error: s.error.message }));
    }
    for (const e of ctx.endpoints) {
      if (e.resolve.error?.code === 'INTERNAL') out.push(finding('INTERNAL_ERROR', 'run', { where: `${e.resolve.via === 'none' ? 'probe' : 'resolve stage'} of ${e.id}`, error: e.resolve.error.message }));
      for (const a of e.addresses) {
        for (const [stage, o] of stageOutcomes(a)) {
          if (o.state === 'failed' && o.error.code === 'INTERNAL') out.push(finding('INTERNAL_ERROR', 'run', { where: `${stage} probe of ${e.id} (${a.address})`, error: o.error.message }));
        }
      }
      if (e.login.state === 'attempted' && e.login.attempt.error?.code === 'INTERNAL') {
        out.push(finding('INTERNAL_ERROR', 'run', { where: `login to ${e.id}`, error: e.login.attempt.error.message }));
      }
      if (e.oauthProbe?.error?.code === 'INTERNAL') out.push(finding('INTERNAL_ERROR', 'run', { where: `--oauth-discover on ${e.id}`, error: e.oauthProbe.error.message }));
    }
    return out;
  },
};
