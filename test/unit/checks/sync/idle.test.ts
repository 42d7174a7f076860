/** sync/idle and sync/condstore on hand-built evidence (RFC 2177 IDLE, RFC 7162 CONDSTORE/QRESYNC), each check alone. */
import { describe, expect, it } from 'vitest';
import { condstoreCheck, idleCheck } from '../../../../src/checks/sync/idle.js';
import { context, endpoint } from '../../../helpers/evidence.js';
import { idOf, judged } from '../../../helpers/findings.js';
import { DOVECOT_CAPS, synced, syncEvidence } from '../../../helpers/sync-evidence.js';

const ID = idOf('tls');
const without = (cap: string) => DOVECOT_CAPS.filter((c) => c !== cap);

describe('sync/idle', () => {
  it('entered and left: IDLE_OK with both times', () => {
    expect(judged(idleCheck.run(context([synced()])))).toEqual([
      { code: 'IDLE_OK', stage: 'sync', endpoint: ID, params: { continuationMs: 3, doneMs: 1 } },
    ]);
  });

  it('not announced: IDLE_NOT_SUPPORTED, whatever the probe saw', () => {
    expect(
      judged(idleCheck.run(context([synced(syncEvidence(), { capabilitiesAfterLogin: without('IDLE') })]))),
    ).toEqual([{ code: 'IDLE_NOT_SUPPORTED', stage: 'sync', endpoint: ID, params: {} }]);
  });

  it('announced but broken: IDLE_REJECTED saying where it broke, with the reply or the error and the timeout', () => {
    const refused = syncEvidence({
      idle: {
        state: 'failed',
        error: { code: 'COMMAND_BAD', message: 'BAD' },
        response: { status: 'BAD', text: 'no', line: 'E BAD no' },
        ms: 1,
      },
    });
    expect(judged(idleCheck.run(context([synced(refused)], { timeoutMs: 3000 })))).toEqual([
      {
        code: 'IDLE_REJECTED',
        stage: 'sync',
        endpoint: ID,
        params: { broke: 'refused', error: 'E BAD no', timeoutMs: 3000 },
      },
    ]);
    const silent = syncEvidence({
      idle: { state: 'failed', error: { code: 'TIMEOUT', message: 'no continuation' }, ms: 1 },
      idleBreak: 'no-continuation',
    });
    expect(idleCheck.run(context([synced(silent)]))[0]?.params).toEqual({
      broke: 'no-continuation',
      error: 'no continuation',
      timeoutMs: 5000,
    });
  });

  it('no sync probe (no login) or an IDLE the deadline cut: nothing', () => {
    expect(idleCheck.run(context([endpoint()]))).toEqual([]);
    expect(
      idleCheck.run(
        context([
          synced(syncEvidence({ idle: { state: 'failed', error: { code: 'ABORTED', message: 'stopped' }, ms: 1 } })),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('sync/condstore', () => {
  it('neither CONDSTORE nor QRESYNC: CONDSTORE_NOT_SUPPORTED', () => {
    const caps = without('CONDSTORE').filter((c) => c !== 'QRESYNC');
    expect(judged(condstoreCheck.run(context([synced(syncEvidence(), { capabilitiesAfterLogin: caps })])))).toEqual([
      { code: 'CONDSTORE_NOT_SUPPORTED', stage: 'sync', endpoint: ID, params: {} },
    ]);
  });

  it('CONDSTORE, or QRESYNC alone (which implies it): nothing; no sync probe: nothing', () => {
    expect(condstoreCheck.run(context([synced()]))).toEqual([]);
    expect(
      condstoreCheck.run(context([synced(syncEvidence(), { capabilitiesAfterLogin: without('CONDSTORE') })])),
    ).toEqual([]);
    expect(condstoreCheck.run(context([endpoint()]))).toEqual([]);
  });
});
