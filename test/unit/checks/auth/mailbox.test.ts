/** auth/mailbox on hand-built evidence: after a working login, INBOX opened read-only or not (RFC 9051 §6.3.3 EXAMINE). */
import { describe, expect, it } from 'vitest';
import { mailboxCheck } from '../../../../src/checks/auth/mailbox.js';
import type { EndpointEvidence, LoginAttempt } from '../../../../src/model/evidence.js';
import { candidate, context, endpoint, LOGGED_IN } from '../../../helpers/evidence.js';
import { idOf, judged } from '../../../helpers/findings.js';

const attempt = (LOGGED_IN as Extract<EndpointEvidence['login'], { state: 'attempted' }>).attempt;
const login = (over: Partial<LoginAttempt>) =>
  context([endpoint(candidate(), { login: { state: 'attempted', attempt: { ...attempt, ...over } } })]);

describe('auth/mailbox', () => {
  it('INBOX opened: INBOX_OK with its message count', () => {
    expect(
      judged(
        mailboxCheck.run(
          login({ mailbox: { state: 'ok', value: { name: 'INBOX', exists: 12, readOnly: true }, ms: 3 } }),
        ),
      ),
    ).toEqual([{ code: 'INBOX_OK', stage: 'mailbox', endpoint: idOf('tls'), params: { exists: 12 } }]);
  });

  it('INBOX refused: INBOX_NOT_ACCESSIBLE with the error', () => {
    expect(
      judged(
        mailboxCheck.run(
          login({
            mailbox: { state: 'failed', error: { code: 'COMMAND_NO', message: 'NO Mailbox does not exist' }, ms: 3 },
          }),
        ),
      ),
    ).toEqual([
      {
        code: 'INBOX_NOT_ACCESSIBLE',
        stage: 'mailbox',
        endpoint: idOf('tls'),
        params: { error: 'NO Mailbox does not exist' },
      },
    ]);
  });

  it('no mailbox step, a failed login, no login, or a step the deadline cut: nothing', () => {
    expect(mailboxCheck.run(login({}))).toEqual([]);
    expect(
      mailboxCheck.run(
        login({ ok: false, mailbox: { state: 'ok', value: { name: 'INBOX', exists: 1, readOnly: true }, ms: 1 } }),
      ),
    ).toEqual([]);
    expect(mailboxCheck.run(context([endpoint()]))).toEqual([]);
    expect(
      mailboxCheck.run(login({ mailbox: { state: 'failed', error: { code: 'ABORTED', message: 'stopped' }, ms: 1 } })),
    ).toEqual([]);
  });
});
