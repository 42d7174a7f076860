/**
 * The read-only guarantee at the command channel: every command off the allow-list — and every
 * argument that could smuggle a second command onto the line — throws before the transport sees
 * it; the plan picks LIST RETURN (SPECIAL-USE), XLIST or a plain LIST, QUOTA, ESEARCH or SEARCH,
 * and IDLE from the capabilities, and says why it leaves something out.
 */
import { describe, expect, it } from 'vitest';
import { readOnly, type CommandChannel } from '../../../../src/probes/sync/channel.js';
import {
  assertReadOnly,
  commandText,
  imapDate,
  offers,
  READ_ONLY_VERBS,
  ReadOnlyViolation,
  syncPlan,
  type WireCommand,
} from '../../../../src/probes/sync/commands.js';

const DOVECOT =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT NAMESPACE UIDPLUS LIST-EXTENDED CONDSTORE QRESYNC ESEARCH LIST-STATUS MOVE SPECIAL-USE QUOTA'.split(
    ' ',
  );
const NOW = new Date('2026-12-06T10:00:00Z');

/** A channel that records what reached it: nothing may, for a refused command. */
function recorder(): CommandChannel & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    send: async (commands) => (
      seen.push(...commands.map(commandText)),
      commands.map(() => ({ sent: true, untagged: [], dropped: 0, ms: 0 }))
    ),
    idle: async (c) => (seen.push(commandText(c)), { ms: 0 }),
  };
}

describe('the allow-list', () => {
  const writes: WireCommand[] = [
    { verb: 'SELECT', args: ['INBOX'] },
    { verb: 'STORE', args: ['1', '+FLAGS', ['\\Seen']] },
    { verb: 'UID STORE', args: ['1', '+FLAGS', ['\\Deleted']] },
    { verb: 'APPEND', args: ['INBOX', { quoted: 'x' }] },
    { verb: 'COPY', args: ['1:*', 'Trash'] },
    { verb: 'UID COPY', args: ['1', 'Trash'] },
    { verb: 'MOVE', args: ['1', 'Trash'] },
    { verb: 'UID MOVE', args: ['1', 'Trash'] },
    { verb: 'EXPUNGE', args: [] },
    { verb: 'UID EXPUNGE', args: ['1'] },
    { verb: 'CREATE', args: ['Sent'] },
    { verb: 'DELETE', args: ['Trash'] },
    { verb: 'RENAME', args: ['A', 'B'] },
    { verb: 'SUBSCRIBE', args: ['Sent'] },
    { verb: 'UNSUBSCRIBE', args: ['Sent'] },
    { verb: 'SETQUOTA', args: [{ quoted: '' }, ['STORAGE', '1']] },
    { verb: 'ENABLE', args: ['QRESYNC'] },
    { verb: 'UID FETCH', args: ['1', 'BODY[]'] },
    { verb: 'list', args: [{ quoted: '' }, { quoted: '*' }] },
    { verb: 'NOOP\r\nA1 EXPUNGE', args: [] },
  ];
  for (const c of writes) {
    it(`refuses ${JSON.stringify(c.verb)} before it reaches the transport`, () => {
      const ch = recorder();
      expect(() => readOnly(ch).send([c], () => new AbortController().signal)).toThrow(ReadOnlyViolation);
      expect(ch.seen).toEqual([]);
    });
  }
  it('refuses arguments that would end the line: a CR/LF in a quoted string, a non-atom', () => {
    expect(() => assertReadOnly({ verb: 'LIST', args: [{ quoted: '' }, { quoted: '*\r\nA9 DELETE INBOX' }] })).toThrow(
      ReadOnlyViolation,
    );
    expect(() => assertReadOnly({ verb: 'GETQUOTAROOT', args: ['INBOX\r\nA9 EXPUNGE'] })).toThrow(ReadOnlyViolation);
    expect(() => assertReadOnly({ verb: 'UID SEARCH', args: ['SINCE', ['1-Jan-2026 x']] })).toThrow(ReadOnlyViolation);
  });
  it('refuses a whole batch when one command is off the list, and idle() sends nothing but IDLE', () => {
    const ch = recorder();
    expect(() =>
      readOnly(ch).send(
        [
          { verb: 'NAMESPACE', args: [] },
          { verb: 'EXPUNGE', args: [] },
        ],
        () => new AbortController().signal,
      ),
    ).toThrow(ReadOnlyViolation);
    expect(() => readOnly(ch).idle({ verb: 'NOOP', args: [] }, () => new AbortController().signal)).toThrow();
    expect(ch.seen).toEqual([]);
  });
  it('passes every command the sync probe plans, and exactly the read-only verbs of the issue', async () => {
    expect([...READ_ONLY_VERBS].sort()).toEqual([
      'CAPABILITY',
      'EXAMINE',
      'GETQUOTAROOT',
      'ID',
      'IDLE',
      'LIST',
      'LOGOUT',
      'NAMESPACE',
      'NOOP',
      'SEARCH',
      'STATUS',
      'UID SEARCH',
      'XLIST',
    ]);
    const p = syncPlan(DOVECOT, { mailboxOpen: true, now: NOW });
    const planned = [p.namespace, p.folders, p.quota, p.search]
      .map((x) => ('command' in x ? x.command : null))
      .filter((x): x is WireCommand => x !== null);
    const ch = recorder();
    await readOnly(ch).send(planned, () => new AbortController().signal);
    expect(ch.seen).toEqual([
      'NAMESPACE',
      'LIST "" "*" RETURN (SPECIAL-USE)',
      'GETQUOTAROOT INBOX',
      'UID SEARCH RETURN (COUNT) SINCE 29-Nov-2026',
    ]);
  });
});

describe('the plan', () => {
  it('Dovecot: NAMESPACE, LIST RETURN (SPECIAL-USE), GETQUOTAROOT, ESEARCH a week back, IDLE', () => {
    const p = syncPlan(DOVECOT, { mailboxOpen: true, now: NOW });
    expect(p.folders.via).toBe('list-special-use');
    expect(p.search).toMatchObject({ via: 'esearch', since: '29-Nov-2026' });
    expect(p.idle).toEqual({ command: { verb: 'IDLE', args: [] } });
  });
  it('XLIST where only that exists (older Gmail), a plain LIST where neither does, a plain SEARCH without ESEARCH', () => {
    expect(syncPlan(['IMAP4rev1', 'XLIST', 'IDLE'], { mailboxOpen: true, now: NOW }).folders).toMatchObject({
      via: 'xlist',
      command: { verb: 'XLIST' },
    });
    const bare = syncPlan(['IMAP4rev1'], { mailboxOpen: true, now: NOW });
    expect(bare.folders).toMatchObject({
      via: 'list',
      command: { verb: 'LIST', args: [{ quoted: '' }, { quoted: '*' }] },
    });
    expect(bare.search).toMatchObject({
      via: 'search',
      command: { verb: 'UID SEARCH', args: ['SINCE', '29-Nov-2026'] },
    });
    expect([bare.namespace, bare.quota, bare.idle]).toEqual([
      { skip: 'not-advertised' },
      { skip: 'not-advertised' },
      { skip: 'not-advertised' },
    ]);
  });
  it('without INBOX open: no SEARCH and no IDLE, each saying why', () => {
    const p = syncPlan(DOVECOT, { mailboxOpen: false, now: NOW });
    expect([p.search, p.idle]).toEqual([{ skip: 'no-mailbox' }, { skip: 'no-mailbox' }]);
  });
  it('capabilities: case-insensitive, QUOTA=RES-* counts as QUOTA, QRESYNC implies CONDSTORE, IMAP4rev2 implies IDLE and SPECIAL-USE but not QUOTA', () => {
    expect(offers(['idle'], 'IDLE')).toBe(true);
    expect(offers(['QUOTA=RES-STORAGE'], 'QUOTA')).toBe(true);
    expect(offers(['QRESYNC'], 'CONDSTORE')).toBe(true);
    expect(
      offers(['IMAP4rev2'], 'IDLE') && offers(['IMAP4rev2'], 'SPECIAL-USE') && offers(['IMAP4rev2'], 'LIST-EXTENDED'),
    ).toBe(true);
    expect(offers(['IMAP4rev2'], 'QUOTA') || offers(['IMAP4rev2'], 'CONDSTORE')).toBe(false);
  });
  it('IMAP dates are day-month-year in UTC (RFC 9051 date-text)', () => {
    expect(imapDate(new Date('2026-01-05T23:30:00Z'))).toBe('5-Jan-2026');
    expect(commandText({ verb: 'LIST', args: [{ quoted: 'a "b" \\c' }, ['X', 'Y']] })).toBe(
      'LIST "a \\"b\\" \\\\c" (X Y)',
    );
  });
});
