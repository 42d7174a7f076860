/** sync/search on hand-built evidence: one UID SEARCH SINCE on INBOX (RFC 9051 §6.4.4, ESEARCH RFC 4731) answered or not. */
import { describe, expect, it } from 'vitest';
import { searchCheck } from '../../../../src/checks/sync/search.js';
import { context, endpoint } from '../../../helpers/evidence.js';
import { idOf, judged } from '../../../helpers/findings.js';
import { synced, syncEvidence } from '../../../helpers/sync-evidence.js';

const COMMAND = 'UID SEARCH RETURN (COUNT) SINCE 29-Nov-2026';

describe('sync/search', () => {
  it('answered: SEARCH_OK with the count, time, date, method and the command sent', () => {
    expect(judged(searchCheck.run(context([synced()])))).toEqual([
      {
        code: 'SEARCH_OK',
        stage: 'sync',
        endpoint: idOf('tls'),
        params: { count: 4, ms: 1, since: '29-Nov-2026', via: 'esearch', command: COMMAND },
      },
    ]);
  });

  it('refused: SEARCH_FAILED with the command and the server reply (or the error without one)', () => {
    const no = syncEvidence({
      search: {
        state: 'failed',
        error: { code: 'COMMAND_NO', message: 'NO' },
        response: { status: 'NO', text: 'busy', line: 'D NO busy' },
        ms: 1,
      },
    });
    expect(judged(searchCheck.run(context([synced(no)])))).toEqual([
      { code: 'SEARCH_FAILED', stage: 'sync', endpoint: idOf('tls'), params: { command: COMMAND, error: 'D NO busy' } },
    ]);
    const silent = syncEvidence({
      search: { state: 'failed', error: { code: 'TIMEOUT', message: 'no answer' }, ms: 1 },
      commands: [],
    });
    expect(searchCheck.run(context([synced(silent)]))[0]?.params).toEqual({
      command: 'UID SEARCH',
      error: 'no answer',
    });
  });

  it('not sent (INBOX closed), cut by the deadline, or no sync probe: nothing', () => {
    expect(
      searchCheck.run(context([synced(syncEvidence({ search: { state: 'skipped', reason: 'no-mailbox' } }))])),
    ).toEqual([]);
    expect(
      searchCheck.run(
        context([
          synced(syncEvidence({ search: { state: 'failed', error: { code: 'ABORTED', message: 'stopped' }, ms: 1 } })),
        ]),
      ),
    ).toEqual([]);
    expect(searchCheck.run(context([endpoint()]))).toEqual([]);
  });
});
