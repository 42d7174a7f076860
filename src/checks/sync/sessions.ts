/**
 * Check: --sessions n — how many authenticated sessions the account held at once. Fewer than n is
 * SESSION_LIMIT_LOW with the server's own words; the provider's published limits come with their
 * sources. Also a doctor bug inside the sync probe, kept as syncError, becomes INTERNAL_ERROR.
 */
import type { SessionAttempt } from '../../model/sync.js';
import { withProviderLimit } from './helpers.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { internalFinding } from '../../errors/classify.js';
import type { Params } from '../../catalogue/index.js';
import { errorParams } from '../../model/reading.js';

/** What the server said when the session it refused was refused (`response`): its tagged reply, its BYE, or the error. */
function refusalParams(a: SessionAttempt | undefined): Params {
  if (a?.response) return { response: a.response.line };
  if (a?.bye) return { response: `* BYE ${a.bye}` };
  return a?.error ? errorParams('response', a.error) : { response: '' };
}

export const sessionsCheck: Check = {
  id: 'sync/sessions',
  needs: ['login'],
  run: (ctx) =>
    ctx.endpoints.flatMap((e) => {
      if (e.login.state !== 'attempted' || !e.login.attempt.sessions) return [];
      const s = e.login.attempt.sessions;
      if (s.opened >= s.requested)
        return [finding('SESSIONS_OK', 'sync', { requested: s.requested, opened: s.opened }, { e })];
      const failed = s.attempts.find((a) => !a.ok);
      return [
        withProviderLimit(
          ctx,
          e,
          finding(
            'SESSION_LIMIT_LOW',
            'sync',
            { requested: s.requested, opened: s.opened, ...refusalParams(failed) },
            { e },
          ),
          'session-limit',
        ),
      ];
    }),
};

export const syncErrorCheck: Check = {
  id: 'sync/internal',
  needs: ['login'],
  run: (ctx) =>
    ctx.endpoints.flatMap((e) =>
      e.login.state === 'attempted' && e.login.attempt.syncError
        ? [internalFinding({ step: 'sync', endpoint: e.id }, e.login.attempt.syncError)]
        : [],
    ),
};
