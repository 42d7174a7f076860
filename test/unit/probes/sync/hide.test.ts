/**
 * The sync probe's evidence with the secret out, by the login's own rules (src/util/secret.ts): a
 * reply or error quoting a piece of the password is hidden whole, a listed name keeps its text with
 * only the pieces masked, numbers and the doctor's own words stay.
 */
import { describe, expect, it } from 'vitest';
import { hideSync } from '../../../../src/probes/sync/hide.js';
import { maskPieces, scrubServerText, SERVER_TEXT_HIDDEN } from '../../../../src/util/secret.js';
import { syncEvidence } from '../../../helpers/sync-evidence.js';

const PASSWORD = 'Correct-Horse-42';
const secrets = [PASSWORD];
const hide = {
  server: (t: string) => scrubServerText(t, secrets, secrets),
  pieces: (t: string) => maskPieces(t, secrets, secrets),
};
// A piece of max(6, half the password) characters counts: exactly half of it, in another case.
const piece = PASSWORD.slice(0, PASSWORD.length / 2).toUpperCase();

describe('hideSync', () => {
  it('hides replies and errors that quote a piece of the password, masks only the pieces in names', () => {
    const ev = syncEvidence({
      namespace: {
        state: 'ok',
        value: { personal: [{ prefix: `${piece}.`, delimiter: '.' }], other: [], shared: [] },
        ms: 1,
      },
      folders: {
        state: 'ok',
        value: {
          via: 'list-special-use',
          count: 123456,
          truncated: false,
          delimiter: '/',
          folders: [{ name: `Sent ${piece}`, attributes: ['\\Sent'] }],
        },
        ms: 2,
      },
      quota: {
        state: 'failed',
        error: { code: 'COMMAND_NO', message: `A3 NO [${piece}] quota for ${piece}` },
        response: {
          status: 'NO',
          code: piece,
          text: `quota for ${piece}`,
          line: `A3 NO [${piece}] quota for ${piece}`,
        },
        ms: 1,
      },
      idle: {
        state: 'ok',
        value: {
          continuationMs: 3,
          doneMs: 1,
          response: { status: 'OK', text: `done ${PASSWORD}`, line: `A5 OK done ${PASSWORD}` },
        },
        ms: 4,
      },
    });
    const out = hideSync(ev, hide);
    expect(JSON.stringify(out)).not.toContain(piece);
    expect(JSON.stringify(out)).not.toContain(PASSWORD);
    expect(out.quota).toMatchObject({
      state: 'failed',
      error: { code: 'COMMAND_NO', message: SERVER_TEXT_HIDDEN },
      response: { status: 'NO', code: SERVER_TEXT_HIDDEN, text: SERVER_TEXT_HIDDEN, line: SERVER_TEXT_HIDDEN },
    });
    expect(out.idle).toMatchObject({
      state: 'ok',
      value: { continuationMs: 3, response: { status: 'OK', text: SERVER_TEXT_HIDDEN } },
    });
    expect(out.folders).toMatchObject({
      state: 'ok',
      value: { count: 123456, folders: [{ name: 'Sent [redacted]', attributes: ['\\Sent'] }] },
    });
    expect(out.namespace).toMatchObject({
      state: 'ok',
      value: { personal: [{ prefix: '[redacted].', delimiter: '.' }] },
    });
    expect(out.commands).toEqual(ev.commands);
    expect(out.search).toEqual(ev.search);
  });

  it('leaves evidence without the secret as it was', () => {
    const ev = syncEvidence();
    expect(hideSync(ev, hide)).toEqual(ev);
  });
});
