/**
 * The probe's orchestration over any transport, with a scripted channel: one batch in plan order,
 * each answer parsed into its step, a command left without a reply marks the rest "connection
 * lost" and IDLE is not tried then; where IDLE broke is kept. (The real transport is exercised
 * against Dovecot in test/e2e/sync.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { CommandChannel, Exchange, IdleExchange } from '../../../../src/probes/sync/channel.js';
import { commandText } from '../../../../src/probes/sync/commands.js';
import { probeSync } from '../../../../src/probes/sync/probe.js';
import { DOVECOT_CAPS } from '../../../helpers/sync-evidence.js';

const ok = (tag: string, untagged: string[]): Exchange => ({
  sent: true,
  untagged,
  dropped: 0,
  tagged: { status: 'OK', text: 'done', line: `${tag} OK done` },
  ms: 2,
});

function scripted(answers: Record<string, Exchange>, idle: IdleExchange): CommandChannel & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    send: async (commands) =>
      commands.map((c) => {
        const text = commandText(c);
        sent.push(text);
        return answers[text.split(' ')[0] as string] ?? { sent: false, untagged: [], dropped: 0, ms: 0 };
      }),
    idle: async (c) => (sent.push(commandText(c)), idle),
  };
}

const opts = {
  capabilities: DOVECOT_CAPS,
  mailboxOpen: true,
  now: new Date('2026-12-06T00:00:00Z'),
  step: () => new AbortController().signal,
};
const IDLE_OK: IdleExchange = {
  continuationMs: 3,
  doneMs: 1,
  tagged: { status: 'OK', text: 'Idle completed.', line: 'E OK Idle completed.' },
  ms: 4,
};

describe('probeSync', () => {
  it('sends one batch in plan order, parses every answer, then IDLE', async () => {
    const ch = scripted(
      {
        NAMESPACE: ok('A', ['* NAMESPACE (("" "/")) NIL NIL']),
        LIST: ok('B', ['* LIST (\\Sent) "/" Sent', '* LIST () "/" INBOX']),
        GETQUOTAROOT: ok('C', ['* QUOTAROOT INBOX "User quota"', '* QUOTA "User quota" (STORAGE 5 100)']),
        UID: ok('D', ['* ESEARCH (TAG "D") UID COUNT 2']),
      },
      IDLE_OK,
    );
    const ev = await probeSync(ch, opts);
    expect(ch.sent).toEqual([
      'NAMESPACE',
      'LIST "" "*" RETURN (SPECIAL-USE)',
      'GETQUOTAROOT INBOX',
      'UID SEARCH RETURN (COUNT) SINCE 29-Nov-2026',
      'IDLE',
    ]);
    expect(ev.folders).toMatchObject({
      state: 'ok',
      value: { count: 2, delimiter: '/', folders: [{ name: 'Sent', attributes: ['\\Sent'] }] },
    });
    expect(ev.quota).toMatchObject({
      state: 'ok',
      value: { quotas: [{ resources: [{ name: 'STORAGE', usage: 5, limit: 100 }] }] },
    });
    expect(ev.search).toMatchObject({ state: 'ok', value: { count: 2, since: '29-Nov-2026' } });
    expect(ev.idle).toMatchObject({ state: 'ok', value: { continuationMs: 3, doneMs: 1 } });
    expect(ev.commands.map((c) => c.command)).toEqual(ch.sent);
  });
  it('a refusal is that step failing with the reply; an OK without the data is a protocol error', async () => {
    const no: Exchange = {
      sent: true,
      untagged: [],
      dropped: 0,
      tagged: { status: 'NO', code: 'SERVERBUG', text: 'x', line: 'B NO [SERVERBUG] x' },
      ms: 1,
    };
    const ev = await probeSync(
      scripted({ NAMESPACE: ok('A', []), LIST: no, GETQUOTAROOT: ok('C', []), UID: ok('D', []) }, IDLE_OK),
      opts,
    );
    expect(ev.folders).toMatchObject({
      state: 'failed',
      error: { code: 'COMMAND_NO', message: 'B NO [SERVERBUG] x' },
      response: { code: 'SERVERBUG' },
    });
    expect(ev.namespace).toMatchObject({ state: 'failed', error: { code: 'PROTOCOL_ERROR' } });
    expect(ev.search).toMatchObject({ state: 'failed', error: { code: 'PROTOCOL_ERROR' } });
    expect(ev.idle.state).toBe('ok');
  });
  it('a command left without a reply: the rest are "connection lost" and IDLE is not sent', async () => {
    const timeout: Exchange = {
      sent: true,
      untagged: [],
      dropped: 0,
      error: { code: 'TIMEOUT', message: 'no answer within the step timeout' },
      ms: 5000,
    };
    const ch = scripted({ NAMESPACE: ok('A', ['* NAMESPACE (("" "/")) NIL NIL']), LIST: timeout }, IDLE_OK);
    const ev = await probeSync(ch, opts);
    expect(ev.folders).toMatchObject({ state: 'failed', error: { code: 'TIMEOUT' } });
    expect([ev.quota, ev.search, ev.idle]).toEqual([
      { state: 'skipped', reason: 'connection-lost' },
      { state: 'skipped', reason: 'connection-lost' },
      { state: 'skipped', reason: 'connection-lost' },
    ]);
    expect(ch.sent).not.toContain('IDLE');
  });
  it('IDLE broken: the break is kept with the reply or the error', async () => {
    const answers = {
      NAMESPACE: ok('A', []),
      LIST: ok('B', []),
      GETQUOTAROOT: ok('C', []),
      UID: ok('D', ['* ESEARCH (TAG "D") UID COUNT 0']),
    };
    const refused = await probeSync(
      scripted(answers, { tagged: { status: 'NO', text: 'no', line: 'E NO no' }, broke: 'refused', ms: 2 }),
      opts,
    );
    expect(refused).toMatchObject({
      idle: { state: 'failed', error: { code: 'COMMAND_NO', message: 'E NO no' } },
      idleBreak: 'refused',
    });
    const silent = await probeSync(
      scripted(answers, {
        error: { code: 'TIMEOUT', message: 'no answer within the step timeout' },
        broke: 'no-continuation',
        ms: 5000,
      }),
      opts,
    );
    expect(silent).toMatchObject({
      idle: { state: 'failed', error: { code: 'TIMEOUT' } },
      idleBreak: 'no-continuation',
    });
    const noDone = await probeSync(
      scripted(answers, {
        continuationMs: 2,
        error: { code: 'TIMEOUT', message: 't' },
        broke: 'no-reply-after-done',
        ms: 5000,
      }),
      opts,
    );
    expect(noDone.idleBreak).toBe('no-reply-after-done');
  });
  it('without INBOX open: no SEARCH, no IDLE, each with why', async () => {
    const ev = await probeSync(
      scripted({ NAMESPACE: ok('A', []), LIST: ok('B', []), GETQUOTAROOT: ok('C', []) }, IDLE_OK),
      { ...opts, mailboxOpen: false },
    );
    expect([ev.search, ev.idle]).toEqual([
      { state: 'skipped', reason: 'no-mailbox' },
      { state: 'skipped', reason: 'no-mailbox' },
    ]);
  });
});
