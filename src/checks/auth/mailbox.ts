/** Check: after a successful login, does INBOX open (EXAMINE, read-only)? */
import type { Check } from '../types.js';
import { finding, notEvidence } from '../types.js';
import { errorParams } from '../../model/reading.js';

export const mailboxCheck: Check = {
  id: 'auth/mailbox',
  needs: ['login'],
  run: (ctx) =>
    ctx.endpoints.flatMap((e) => {
      if (e.login.state !== 'attempted' || !e.login.attempt.ok) return [];
      const m = e.login.attempt.mailbox;
      if (!m) return [];
      if (m.state === 'ok') return [finding('INBOX_OK', 'mailbox', { exists: m.value.exists }, { e })];
      if (m.state === 'failed' && !notEvidence(m.error))
        return [finding('INBOX_NOT_ACCESSIBLE', 'mailbox', errorParams('error', m.error), { e })];
      return [];
    }),
};
