/**
 * The sync checks from hand-built evidence: each code on its state, the severities the issue sets
 * (SPECIAL_USE_MISSING warning for Sent/Drafts/Trash, info for Junk/Archive only; quota 90 % and
 * 100 % exactly), and a healthy account giving only the ok findings.
 */
import { describe, expect, it } from 'vitest';
import { renderEntry } from '../../../../src/catalogue/index.js';
import { runChecks } from '../../../../src/checks/index.js';
import { SYNC_CHECKS } from '../../../../src/checks/sync/index.js';
import type { Finding } from '../../../../src/model/finding.js';
import type { FolderListEvidence, SyncEvidence } from '../../../../src/model/sync.js';
import { candidate, context, endpoint } from '../../../helpers/evidence.js';
import { DOVECOT_CAPS, synced, syncEvidence } from '../../../helpers/sync-evidence.js';

const run = (e = synced(), ctx = {}): Finding[] => runChecks(context([e], ctx), SYNC_CHECKS);
const codes = (fs: Finding[]) => fs.map((f) => f.code);
const one = (fs: Finding[], code: string) => fs.find((f) => f.code === code);
const folders = (over: Partial<FolderListEvidence>): SyncEvidence['folders'] => ({
  state: 'ok',
  value: { via: 'list-special-use', count: 3, truncated: false, delimiter: '.', folders: [], ...over },
  ms: 1,
});
const quota = (usage: number, limit = 100): SyncEvidence['quota'] => ({
  state: 'ok',
  value: { roots: ['User quota'], quotas: [{ root: 'User quota', resources: [{ name: 'STORAGE', usage, limit }] }] },
  ms: 1,
});

describe('sync checks', () => {
  it('a healthy account: only ok findings, with what they show', () => {
    const fs = run();
    expect(codes(fs)).toEqual(['IDLE_OK', 'FOLDERS_OK', 'QUOTA_OK', 'SEARCH_OK']);
    expect(one(fs, 'FOLDERS_OK')?.params).toMatchObject({
      count: 6,
      delimiter: '/',
      prefix: '',
      roles: ['Sent=Sent', 'Drafts=Drafts', 'Trash=Trash', 'Junk=Junk', 'Archive=Archive'],
    });
    expect(one(fs, 'SEARCH_OK')?.params).toMatchObject({ count: 4, via: 'esearch' });
    expect(fs.every((f) => f.severity === 'ok' && f.stage === 'sync')).toBe(true);
  });
  it('nothing without a sync probe: no login, a refused login, or evidence saved before the probe existed', () => {
    expect(run(endpoint())).toEqual([]);
    expect(
      run(
        endpoint(candidate(), {
          login: {
            state: 'attempted',
            attempt: { address: 'x', ms: 1, ok: false, alerts: [], credentialsRejected: true },
          },
        }),
      ),
    ).toEqual([]);
    expect(run(synced(syncEvidence(), { sync: undefined }))).toEqual([]);
  });
  it('sync/idle: IDLE not announced: IDLE_NOT_SUPPORTED (warning); announced but broken: IDLE_REJECTED (warning) naming where', () => {
    const noIdle = run(
      synced(syncEvidence({ idle: { state: 'skipped', reason: 'not-advertised' } }), {
        capabilitiesAfterLogin: DOVECOT_CAPS.filter((c) => c !== 'IDLE'),
      }),
    );
    expect(one(noIdle, 'IDLE_NOT_SUPPORTED')?.severity).toBe('warning');
    const broken = run(
      synced(
        syncEvidence({
          idle: { state: 'failed', error: { code: 'TIMEOUT', message: 'no answer within the step timeout' }, ms: 5000 },
          idleBreak: 'no-continuation',
        }),
      ),
    );
    expect(one(broken, 'IDLE_REJECTED')).toMatchObject({
      severity: 'warning',
      params: { broke: 'no-continuation', error: 'no answer within the step timeout' },
    });
    const refused = run(
      synced(
        syncEvidence({
          idle: {
            state: 'failed',
            error: { code: 'COMMAND_NO', message: 'C NO no' },
            response: { status: 'NO', text: 'no', line: 'C NO no' },
            ms: 3,
          },
          idleBreak: 'refused',
        }),
      ),
    );
    expect(renderEntry('IDLE_REJECTED', one(refused, 'IDLE_REJECTED')?.params ?? {}, {}).explanation).toContain(
      'refused the IDLE command (C NO no)',
    );
    expect(
      codes(
        run(
          synced(
            syncEvidence({
              idle: { state: 'failed', error: { code: 'ABORTED', message: 'stopped at the run deadline' }, ms: 3 },
            }),
          ),
        ),
      ),
    ).not.toContain('IDLE_REJECTED');
  });
  it('sync/condstore: no CONDSTORE and no QRESYNC: CONDSTORE_NOT_SUPPORTED (info); QRESYNC alone is enough', () => {
    const without = run(
      synced(syncEvidence(), {
        capabilitiesAfterLogin: DOVECOT_CAPS.filter((c) => c !== 'CONDSTORE' && c !== 'QRESYNC'),
      }),
    );
    expect(one(without, 'CONDSTORE_NOT_SUPPORTED')?.severity).toBe('info');
    expect(
      codes(run(synced(syncEvidence(), { capabilitiesAfterLogin: DOVECOT_CAPS.filter((c) => c !== 'CONDSTORE') }))),
    ).not.toContain('CONDSTORE_NOT_SUPPORTED');
  });
  it('sync/folders: SPECIAL_USE_MISSING: each missing role with its look-alike; warning for Sent/Drafts/Trash, info for Junk/Archive only', () => {
    const plain = run(
      synced(
        syncEvidence({
          folders: folders({
            folders: [
              { name: 'Sent Items', attributes: ['\\HasNoChildren'] },
              { name: 'INBOX.Papierkorb', attributes: [] },
              { name: 'Drafts', attributes: ['\\Drafts'] },
            ],
          }),
        }),
      ),
    );
    const f = one(plain, 'SPECIAL_USE_MISSING');
    expect(f).toMatchObject({
      severity: 'warning',
      params: {
        missing: ['Sent', 'Trash', 'Junk', 'Archive'],
        lookAlikes: ['Sent Items', 'INBOX.Papierkorb', '', ''],
        advertised: true,
      },
    });
    const text = renderEntry('SPECIAL_USE_MISSING', f?.params ?? {}, { host: 'imap.example.com', port: 993 });
    expect(text.title).toBe('No folder is marked as Sent, Trash, Junk, Archive on imap.example.com:993');
    expect(text.explanation).toContain(
      'Sent (there is an unmarked "Sent Items"), Trash (there is an unmarked "INBOX.Papierkorb"), Junk, Archive',
    );
    const minor = run(
      synced(
        syncEvidence({
          folders: folders({ folders: ['Sent', 'Drafts', 'Trash'].map((n) => ({ name: n, attributes: [`\\${n}`] })) }),
        }),
      ),
    );
    expect(one(minor, 'SPECIAL_USE_MISSING')).toMatchObject({
      severity: 'info',
      params: { missing: ['Junk', 'Archive'] },
    });
    const xlist = run(
      synced(
        syncEvidence({
          folders: folders({ via: 'xlist', folders: [{ name: '[Gmail]/Spam', attributes: ['\\Spam'] }] }),
        }),
      ),
    );
    expect(one(xlist, 'SPECIAL_USE_MISSING')?.params.missing).toEqual(['Sent', 'Drafts', 'Trash', 'Archive']);
  });
  it('sync/folders: FOLDER_LIST_FAILED with the server reply; FOLDERS_MANY from 1,000 folders or a cut-off listing', () => {
    const failed = run(
      synced(
        syncEvidence({
          folders: {
            state: 'failed',
            error: { code: 'COMMAND_NO', message: 'x' },
            response: {
              status: 'NO',
              code: 'SERVERBUG',
              text: 'Internal error',
              line: 'A3 NO [SERVERBUG] Internal error',
            },
            ms: 2,
          },
        }),
      ),
    );
    expect(one(failed, 'FOLDER_LIST_FAILED')).toMatchObject({
      severity: 'warning',
      params: { command: 'LIST "" "*" RETURN (SPECIAL-USE)', error: 'A3 NO [SERVERBUG] Internal error' },
    });
    expect(codes(failed)).not.toContain('SPECIAL_USE_MISSING');
    expect(codes(run(synced(syncEvidence({ folders: folders({ count: 999 }) }))))).not.toContain('FOLDERS_MANY');
    expect(one(run(synced(syncEvidence({ folders: folders({ count: 1000 }) }))), 'FOLDERS_MANY')).toMatchObject({
      severity: 'info',
      params: { count: 1000, threshold: 1000 },
    });
    expect(codes(run(synced(syncEvidence({ folders: folders({ count: 20000, truncated: true }) }))))).toContain(
      'FOLDERS_MANY',
    );
  });
  it('sync/quota: under 90 % ok, 90 % warning, 100 % error — by the fullest resource of any root; nothing without a limit', () => {
    expect(codes(run(synced(syncEvidence({ quota: quota(89) }))))).toContain('QUOTA_OK');
    expect(one(run(synced(syncEvidence({ quota: quota(90) }))), 'QUOTA_NEARLY_FULL')).toMatchObject({
      severity: 'warning',
      params: { percent: 90 },
    });
    expect(one(run(synced(syncEvidence({ quota: quota(99) }))), 'QUOTA_NEARLY_FULL')?.params.percent).toBe(99);
    expect(one(run(synced(syncEvidence({ quota: quota(100) }))), 'QUOTA_EXCEEDED')).toMatchObject({
      severity: 'error',
      params: { percent: 100 },
    });
    const two: SyncEvidence['quota'] = {
      state: 'ok',
      value: {
        roots: ['a'],
        quotas: [
          {
            root: 'a',
            resources: [
              { name: 'STORAGE', usage: 10, limit: 100 },
              { name: 'MESSAGE', usage: 995, limit: 1000 },
            ],
          },
        ],
      },
      ms: 1,
    };
    expect(one(run(synced(syncEvidence({ quota: two }))), 'QUOTA_NEARLY_FULL')?.params).toMatchObject({
      resource: 'MESSAGE',
      percent: 99,
      resources: ['STORAGE 10 of 100 (10%)', 'MESSAGE 995 of 1000 (99%)'],
    });
    expect(codes(run(synced(syncEvidence({ quota: quota(5, 0) }))))).not.toContain('QUOTA_OK');
    expect(
      codes(run(synced(syncEvidence({ quota: { state: 'skipped', reason: 'not-advertised' } })))).filter((c) =>
        c.startsWith('QUOTA'),
      ),
    ).toEqual([]);
  });
  it('sync/search: SEARCH_FAILED with the reply; a search not sent (INBOX closed) says nothing', () => {
    const f = run(
      synced(
        syncEvidence({
          search: {
            state: 'failed',
            error: { code: 'COMMAND_BAD', message: 'x' },
            response: { status: 'BAD', text: 'Error', line: 'B BAD Error in IMAP command' },
            ms: 1,
          },
        }),
      ),
    );
    expect(one(f, 'SEARCH_FAILED')).toMatchObject({
      severity: 'warning',
      params: { error: 'B BAD Error in IMAP command' },
    });
    expect(codes(run(synced(syncEvidence({ search: { state: 'skipped', reason: 'no-mailbox' } }))))).not.toContain(
      'SEARCH_FAILED',
    );
  });
  it('sync/sessions: all open → SESSIONS_OK; fewer → SESSION_LIMIT_LOW with the refusal, a BYE, or the error', () => {
    const ok = run(
      synced(syncEvidence(), {
        sessions: {
          requested: 3,
          opened: 3,
          attempts: [
            { ok: true, ms: 5 },
            { ok: true, ms: 5 },
          ],
        },
      }),
    );
    expect(one(ok, 'SESSIONS_OK')?.params).toEqual({ requested: 3, opened: 3 });
    const refused = {
      ok: false,
      ms: 5,
      response: {
        status: 'NO' as const,
        code: 'LIMIT',
        text: 'Maximum',
        line: '2 NO [LIMIT] Maximum number of connections',
      },
      error: { code: 'COMMAND_NO' as const, message: 'x' },
    };
    const low = run(
      synced(syncEvidence(), { sessions: { requested: 5, opened: 2, attempts: [{ ok: true, ms: 5 }, refused] } }),
    );
    expect(one(low, 'SESSION_LIMIT_LOW')).toMatchObject({
      severity: 'warning',
      params: { requested: 5, opened: 2, response: '2 NO [LIMIT] Maximum number of connections' },
    });
    const bye = run(
      synced(syncEvidence(), {
        sessions: {
          requested: 2,
          opened: 1,
          attempts: [{ ok: false, ms: 5, bye: 'Too many connections', error: { code: 'CLOSED', message: 'closed' } }],
        },
      }),
    );
    expect(one(bye, 'SESSION_LIMIT_LOW')?.params.response).toBe('* BYE Too many connections');
    expect(renderEntry('SESSION_LIMIT_LOW', one(low, 'SESSION_LIMIT_LOW')?.params ?? {}, {}).explanation).toContain(
      'Login number 3 was refused',
    );
  });
  it('sync/internal: a doctor bug inside the probe is INTERNAL_ERROR, and the login stays', () => {
    const fs = runChecks(context([synced(syncEvidence(), { sync: undefined, syncError: 'TypeError: boom' })]));
    const bug = one(fs, 'INTERNAL_ERROR');
    expect(bug?.params).toEqual({ step: 'sync', endpoint: 'imap.example.com:993/tls', error: 'TypeError: boom' });
    expect(renderEntry('INTERNAL_ERROR', bug?.params ?? {}, {}).title).toBe(
      'imap-doctor hit an internal error in the sync probe of imap.example.com:993/tls',
    );
    expect(codes(fs)).toContain('AUTH_OK');
  });
  it('provider limits ride along with their sources: Fastmail storage on QUOTA_EXCEEDED', () => {
    const e = synced(syncEvidence({ quota: quota(101) }), {}, 'imap.fastmail.com');
    const f = one(run(e), 'QUOTA_EXCEEDED');
    expect(f?.params.storageLimit).toMatch(/2 GB on Basic, 30 GB on Standard and 100 GB on Professional/);
    expect(f?.knowledge?.sources.filter((s) => s.rule === 'storage-limit').map((s) => s.url)).toEqual([
      'https://www.fastmail.com/help/account/limits.html',
    ]);
    expect(one(run(synced(syncEvidence({ quota: quota(101) }))), 'QUOTA_EXCEEDED')?.knowledge).toBeUndefined();
  });
});
