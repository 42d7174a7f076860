/** Checks about the run as a whole: the login not tested, a plain-text endpoint, the deadline. */
import type { Check } from '../types.js';
import { finding, stageOutcomes } from '../types.js';
import type { Finding } from '../../model/finding.js';
import { internalFinding } from '../../errors/classify.js';

export const loginNotTestedCheck: Check = {
  id: 'run/login-not-tested',
  needs: [],
  run: (ctx) =>
    ctx.credentials === null
      ? [finding('LOGIN_NOT_TESTED', 'run', { reason: ctx.noLoginReason ?? 'no-password' })]
      : [],
};

export const plainSecurityCheck: Check = {
  id: 'run/plain-security',
  needs: [],
  run: (ctx) =>
    ctx.endpoints
      .filter((e) => e.candidate.security === 'plain')
      .map((e) => finding('SECURITY_PLAIN', 'tcp', {}, { e })),
};

export const interruptedCheck: Check = {
  id: 'run/interrupted',
  needs: [],
  run: (ctx) => (ctx.interrupted ? [finding('RUN_INTERRUPTED', 'run', { steps: ctx.interrupted })] : []),
};

export const deadlineCheck: Check = {
  id: 'run/deadline',
  needs: [],
  run: (ctx) =>
    ctx.deadlineHit.length > 0
      ? [finding('RUN_DEADLINE_EXCEEDED', 'run', { deadlineMs: ctx.deadlineMs, steps: ctx.deadlineHit })]
      : [],
};

/** A probe or source that failed with INTERNAL is a doctor bug: say so, whatever else it broke. */
export const internalEvidenceCheck: Check = {
  id: 'run/internal-evidence',
  needs: [],
  run: (ctx) => {
    const out: Finding[] = [];
    for (const s of ctx.discovery?.sources ?? [])
      if (s.error?.code === 'INTERNAL') out.push(internalFinding({ step: 'source', source: s.source }, s.error));
    for (const e of ctx.endpoints) {
      const r = e.resolve;
      if ('crashed' in r)
        out.push(
          internalFinding(
            { step: 'probe', endpoint: e.id, ...(r.crashed === 'resolve' ? { stage: 'resolve' as const } : {}) },
            r.error,
          ),
        );
      else if (r.error?.code === 'INTERNAL')
        out.push(internalFinding({ step: 'probe', endpoint: e.id, stage: 'resolve' }, r.error));
      for (const a of e.addresses) {
        for (const [stage, o] of stageOutcomes(a))
          if (o.state === 'failed' && o.error.code === 'INTERNAL')
            out.push(internalFinding({ step: 'probe', endpoint: e.id, address: a.address, stage }, o.error));
      }
      if (e.login.state === 'attempted' && e.login.attempt.error?.code === 'INTERNAL')
        out.push(internalFinding({ step: 'login', endpoint: e.id }, e.login.attempt.error));
      if (e.oauthProbe?.error?.code === 'INTERNAL')
        out.push(internalFinding({ step: 'oauth-discover', endpoint: e.id }, e.oauthProbe.error));
    }
    return out;
  },
};
