/** sync/sessions and sync/internal on hand-built evidence: --sessions n held at once or not, and a doctor bug in the sync probe. */
import { describe, expect, it } from 'vitest';
import { sessionsCheck, syncErrorCheck } from '../../../../src/checks/sync/sessions.js';
import { context, endpoint } from '../../../helpers/evidence.js';
import { idOf, judged } from '../../../helpers/findings.js';
import { synced, syncEvidence } from '../../../helpers/sync-evidence.js';

const ID = idOf('tls');

describe('sync/sessions', () => {
  it('every session open: SESSIONS_OK with both counts', () => {
    const all = synced(syncEvidence(), {
      sessions: {
        requested: 3,
        opened: 3,
        attempts: [
          { ok: true, ms: 5 },
          { ok: true, ms: 6 },
        ],
      },
    });
    expect(judged(sessionsCheck.run(context([all])))).toEqual([
      { code: 'SESSIONS_OK', stage: 'sync', endpoint: ID, params: { requested: 3, opened: 3 } },
    ]);
  });

  it('fewer: SESSION_LIMIT_LOW with the refusal, a BYE, or the error', () => {
    const low = (attempt: object) =>
      sessionsCheck.run(
        context([
          synced(syncEvidence(), {
            sessions: {
              requested: 3,
              opened: 2,
              attempts: [
                { ok: true, ms: 5 },
                { ok: false, ms: 6, ...attempt },
              ],
            },
          }),
        ]),
      );
    expect(
      judged(
        low({
          response: { status: 'NO', text: 'Maximum number of connections', line: 'a NO Maximum number of connections' },
        }),
      ),
    ).toEqual([
      {
        code: 'SESSION_LIMIT_LOW',
        stage: 'sync',
        endpoint: ID,
        params: { requested: 3, opened: 2, response: 'a NO Maximum number of connections' },
      },
    ]);
    expect(low({ bye: 'Too many connections' })[0]?.params.response).toBe('* BYE Too many connections');
    expect(low({ error: { code: 'CLOSED', message: 'connection closed' } })[0]?.params.response).toBe(
      'connection closed',
    );
  });

  it('no --sessions, or no login: nothing', () => {
    expect(sessionsCheck.run(context([synced()]))).toEqual([]);
    expect(sessionsCheck.run(context([endpoint()]))).toEqual([]);
  });
});

describe('sync/internal', () => {
  it('a doctor bug kept as syncError is INTERNAL_ERROR naming the step and endpoint; none: nothing', () => {
    expect(
      syncErrorCheck
        .run(context([synced(syncEvidence(), { syncError: 'TypeError: boom' })]))
        .map((f) => [f.code, f.stage, f.params]),
    ).toEqual([['INTERNAL_ERROR', 'run', { step: 'sync', endpoint: ID, error: 'TypeError: boom' }]]);
    expect(syncErrorCheck.run(context([synced()]))).toEqual([]);
  });
});
