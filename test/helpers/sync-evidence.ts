/** Hand-built sync evidence for the sync checks, report and renderers: a healthy default, every part overridable. */
import type { EndpointEvidence, LoginAttempt } from '../../src/model/evidence.js';
import type { SyncEvidence } from '../../src/model/sync.js';
import { candidate, endpoint } from './evidence.js';

export const DOVECOT_CAPS =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE UIDPLUS LIST-EXTENDED CONDSTORE QRESYNC ESEARCH LIST-STATUS MOVE SPECIAL-USE QUOTA'.split(
    ' ',
  );

export function syncEvidence(over: Partial<SyncEvidence> = {}): SyncEvidence {
  return {
    namespace: { state: 'ok', value: { personal: [{ prefix: '', delimiter: '/' }], other: [], shared: [] }, ms: 1 },
    folders: {
      state: 'ok',
      value: {
        via: 'list-special-use',
        count: 6,
        truncated: false,
        delimiter: '/',
        folders: ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive'].map((n) => ({ name: n, attributes: [`\\${n}`] })),
      },
      ms: 2,
    },
    quota: {
      state: 'ok',
      value: {
        roots: ['User quota'],
        quotas: [{ root: 'User quota', resources: [{ name: 'STORAGE', usage: 10, limit: 100 }] }],
      },
      ms: 1,
    },
    search: { state: 'ok', value: { via: 'esearch', since: '29-Nov-2026', count: 4 }, ms: 1 },
    idle: {
      state: 'ok',
      value: {
        continuationMs: 3,
        doneMs: 1,
        response: { status: 'OK', text: 'Idle completed.', line: 'C OK Idle completed.' },
      },
      ms: 4,
    },
    commands: [
      { command: 'NAMESPACE', ms: 1 },
      { command: 'LIST "" "*" RETURN (SPECIAL-USE)', ms: 2 },
      { command: 'GETQUOTAROOT INBOX', ms: 1 },
      { command: 'UID SEARCH RETURN (COUNT) SINCE 29-Nov-2026', ms: 1 },
      { command: 'IDLE', ms: 4 },
    ],
    ms: 9,
    ...over,
  };
}

/** An endpoint whose login worked and carried the sync probe. */
export function synced(
  sync: SyncEvidence = syncEvidence(),
  attempt: Partial<LoginAttempt> = {},
  host = 'imap.example.com',
): EndpointEvidence {
  return endpoint(candidate(host), {
    login: {
      state: 'attempted',
      attempt: {
        address: '192.0.2.10',
        ms: 80,
        ok: true,
        alerts: [],
        credentialsRejected: false,
        mechanism: 'AUTHENTICATE PLAIN',
        capabilitiesAfterLogin: DOVECOT_CAPS,
        mailbox: { state: 'ok', value: { name: 'INBOX', exists: 7, readOnly: true }, ms: 2 },
        sync,
        ...attempt,
      },
    },
  });
}
