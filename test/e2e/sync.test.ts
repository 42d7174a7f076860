/**
 * The sync probe after the login, end to end against real Dovecot states: a healthy account (A:
 * special-use folders, IDLE, CONDSTORE, --sessions), quota at 10 %, 95 % and 101 % and plain
 * Sent/Drafts folders and 1,001 folders and a session limit of 3 (E), IDLE and CONDSTORE removed
 * from the capabilities (F), and a proxy in front of A that breaks IDLE, or refuses LIST and SEARCH
 * (the only fake: no Dovecot state does either).
 * Every run must leave every message file as it was: name with its flags, and bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labOrSkip } from '../servers/require.js';
import { fillMaildir, homeOf, messageSnapshot, type MaildirSpec, type MessageSpec } from '../servers/maildir.js';
import { startBreakingProxy, type BreakingProxy } from '../servers/breaking-proxy.js';
import { codes, expectExit, registerSecret, runCli, secretForms, type CliRun, labArgs } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (sync e2e)');
const T = '1500';
const SYNC_CODES = [
  'IDLE_NOT_SUPPORTED',
  'IDLE_REJECTED',
  'CONDSTORE_NOT_SUPPORTED',
  'SPECIAL_USE_MISSING',
  'FOLDER_LIST_FAILED',
  'FOLDERS_MANY',
  'QUOTA_NEARLY_FULL',
  'QUOTA_EXCEEDED',
  'SEARCH_FAILED',
  'SESSION_LIMIT_LOW',
];

const msgs = (n: number, bytes: number, daysAgo = 1): MessageSpec[] =>
  Array.from({ length: n }, (_, i) => ({
    bytes,
    where: i % 2 === 0 ? 'new' : 'cur',
    flags: i % 4 === 1 ? 'FS' : 'S',
    daysAgo,
  }));

describe.skipIf(!lab)('the sync probe against the lab Dovecot', () => {
  if (!lab) return;
  const u = lab.syncUsers;
  const name = lab.hostname;
  const pw = { IMAP_DOCTOR_PASSWORD: lab.password };
  registerSecret(...Object.values(u).flatMap((x) => secretForms(lab.password, x)));
  const at = (ip: string, user: string, ...more: string[]) => labArgs(lab, user, ip, T, '--port', '993', ...more);

  /** Runs the CLI (JSON, schema-checked) and proves every message file of the user is unchanged afterwards. */
  const unchanged = async (
    user: string,
    args: string[],
    env: Record<string, string> = pw,
  ): Promise<CliRun & { json: NonNullable<CliRun['json']> }> => {
    const before = messageSnapshot(homeOf(lab, user));
    const r = await runCli([...args, '--json'], { env });
    expect(schemaErrors(r.json), 'report matches docs/report.schema.json').toBeNull();
    expect(messageSnapshot(homeOf(lab, user)), `every message file of ${user}: same name, flags and bytes`).toEqual(
      before,
    );
    return r as CliRun & { json: NonNullable<CliRun['json']> };
  };
  const finding = (r: CliRun & { json: NonNullable<CliRun['json']> }, code: string) =>
    r.json.findings.find((f) => f.code === code);

  const fill = (user: string, spec: MaildirSpec) => fillMaildir(homeOf(lab, user), spec);
  beforeAll(() => {
    fill(u.healthy, { inbox: [...msgs(4, 3000), ...msgs(3, 2000, 30)], folders: { Sent: msgs(2, 1500) } });
    fill(u.minimal, { inbox: msgs(2, 2000) });
    // E counts STORAGE in KiB with a 100 KiB limit: 10, 95 and 101 KiB of mail.
    fill(u.quota10, { inbox: msgs(2, 5 * 1024) });
    fill(u.quota95, { inbox: msgs(5, 19 * 1024) });
    fill(u.quota101, { inbox: msgs(4, 25 * 1024 + 256) });
    fill(u.plain, { inbox: msgs(1, 1000), folders: { Sent: msgs(2, 1000), Drafts: msgs(1, 1000) } });
    fill(u.many, {
      inbox: msgs(1, 1000),
      folders: Object.fromEntries(
        Array.from({ length: 1001 }, (_, i) => [`Project ${String(i).padStart(4, '0')}`, []]),
      ),
    });
    fill(u.sessions, { inbox: msgs(2, 1000) });
  });

  it('healthy account: push, fast resync, every folder role, search, 3 sessions — none of the sync warnings, nothing changed', async () => {
    const r = await unchanged(u.healthy, at(lab.hosts.good, u.healthy, '--sessions', '3'));
    expectExit(r, 0);
    expect(r.json.verdict.status).toBe('ok');
    expect(codes(r.json)).toEqual(expect.arrayContaining(['IDLE_OK', 'FOLDERS_OK', 'SEARCH_OK', 'SESSIONS_OK']));
    expect(codes(r.json).filter((c) => SYNC_CODES.includes(c))).toEqual([]);
    expect(
      codes(r.json).filter((c) => c.startsWith('QUOTA_')),
      'A announces no QUOTA',
    ).toEqual([]);
    expect(finding(r, 'SEARCH_OK')?.params).toMatchObject({ count: 4, via: 'esearch' });
    const s = r.json.sync;
    expect(s?.roles.map((x) => `${x.role}=${x.folder}`)).toEqual([
      'Sent=Sent',
      'Drafts=Drafts',
      'Trash=Trash',
      'Junk=Junk',
      'Archive=Archive',
    ]);
    expect(s?.capabilities.find((c) => c.name === 'IDLE')).toMatchObject({ supported: true, rfc: 'RFC 2177' });
    expect(s?.probe.idle).toMatchObject({ state: 'ok' });
    expect(s?.sessions).toMatchObject({ requested: 3, opened: 3 });
    expect(s?.integrations).toMatchObject({
      push: 'idle',
      incremental: 'qresync',
      sessions: 'ok',
      login: { method: 'password', from: 'this-login' },
    });
    expect(s?.probe.commands.map((c) => c.command.split(' ')[0])).toEqual(['NAMESPACE', 'LIST', 'UID', 'IDLE']);
    const text = await runCli(at(lab.hosts.good, u.healthy), { env: pw });
    expect(text.stdout).toMatch(
      /Sync readiness[\s\S]*IDLE +push: new mail shows up at once +RFC 2177[\s\S]*For apps and integrations\n +Login: /,
    );
    const md = await runCli(at(lab.hosts.good, u.healthy, '--format', 'markdown'), { env: pw });
    expect(md.stdout).toContain('## Sync readiness');
    expect(md.stdout).toContain('| IDLE | ✅ | push: new mail shows up at once | RFC 2177 |');
    expect(md.stdout).toContain('## For apps and integrations');
    const html = await runCli(at(lab.hosts.good, u.healthy, '--format', 'html'), { env: pw });
    expect(html.stdout).toContain('<h2 id="sync">Sync readiness</h2>');
  });

  it('quota at 10 %, 95 % and 101 %: QUOTA_OK, QUOTA_NEARLY_FULL (warning), QUOTA_EXCEEDED (error)', async () => {
    const ok = await unchanged(u.quota10, at(lab.hosts.sync, u.quota10));
    expect(finding(ok, 'QUOTA_OK')?.params).toMatchObject({ resource: 'STORAGE', usage: 10, limit: 100, percent: 10 });
    const nearly = await unchanged(u.quota95, at(lab.hosts.sync, u.quota95));
    expect(finding(nearly, 'QUOTA_NEARLY_FULL')).toMatchObject({
      severity: 'warning',
      params: { usage: 95, limit: 100, percent: 95 },
    });
    const full = await unchanged(u.quota101, at(lab.hosts.sync, u.quota101));
    expectExit(full, 1);
    expect(finding(full, 'QUOTA_EXCEEDED')).toMatchObject({
      severity: 'error',
      params: { usage: 101, limit: 100, percent: 101 },
    });
    expect(codes(full.json).filter((c) => c.startsWith('QUOTA_'))).toEqual(['QUOTA_EXCEEDED']);
  });

  it('plain Sent and Drafts folders without special-use marks: SPECIAL_USE_MISSING names each role and its look-alike', async () => {
    const r = await unchanged(u.plain, at(lab.hosts.sync, u.plain));
    const f = finding(r, 'SPECIAL_USE_MISSING');
    expect(f).toMatchObject({
      severity: 'warning',
      params: { missing: ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive'], lookAlikes: ['Sent', 'Drafts', '', '', ''] },
    });
    expect(f?.explanation).toContain('Sent (there is an unmarked "Sent")');
    expect(finding(r, 'FOLDERS_OK')?.params).toMatchObject({ count: 3, delimiter: '.', prefix: '' });
  });

  it('1,001 folders: FOLDERS_MANY (info) with the count', async () => {
    // Dovecot's first look at 1,001 maildir folders (EXAMINE builds the index) takes far more than this
    // file's short step timeout, and on a loaded 2-core machine more than 10 s: a generous step bound.
    const r = await unchanged(u.many, [...at(lab.hosts.sync, u.many), '--timeout', '40000']);
    expect(finding(r, 'FOLDERS_MANY')).toMatchObject({ severity: 'info', params: { count: 1002, truncated: false } });
  }, 150_000);

  it('--sessions 5 against a limit of 3: SESSION_LIMIT_LOW with the server text; logins stop at the first refusal', async () => {
    const r = await unchanged(u.sessions, at(lab.hosts.sync, u.sessions, '--sessions', '5'));
    const f = finding(r, 'SESSION_LIMIT_LOW');
    expect(f).toMatchObject({ severity: 'warning', params: { requested: 5, opened: 3 } });
    expect(f?.params.response).toMatch(
      /NO \[LIMIT\] Maximum number of connections from user\+IP exceeded \(mail_max_userip_connections=3\)/,
    );
    const attempts = r.json.sync?.sessions?.attempts ?? [];
    expect(
      attempts.map((a) => a.ok),
      'two more logins worked, the third was refused, no fourth was tried',
    ).toEqual([true, true, false]);
    expect(r.json.sync?.integrations.sessions).toBe('limited');
  });

  it('IDLE and CONDSTORE removed from the capabilities: IDLE_NOT_SUPPORTED (warning), CONDSTORE_NOT_SUPPORTED (info), no IDLE sent', async () => {
    const r = await unchanged(u.minimal, at(lab.hosts.minimal, u.minimal));
    expect(finding(r, 'IDLE_NOT_SUPPORTED')?.severity).toBe('warning');
    expect(finding(r, 'CONDSTORE_NOT_SUPPORTED')?.severity).toBe('info');
    expect(r.json.sync?.probe.idle).toEqual({ state: 'skipped', reason: 'not-advertised' });
    expect(r.json.sync?.probe.commands.some((c) => c.command === 'IDLE')).toBe(false);
    expect(r.json.sync?.integrations).toMatchObject({ push: 'poll', incremental: 'full-rescan' });
  });

  describe('a proxy that breaks IDLE, or refuses LIST and SEARCH', () => {
    const proxies: BreakingProxy[] = [];
    afterAll(async () => Promise.all(proxies.map((p) => p.close())));
    const through = async (mode: 'refuse' | 'swallow' | undefined, refuse?: RegExp) => {
      const p = await startBreakingProxy({
        host: lab.hosts.good,
        target: { host: lab.hosts.good, port: 993 },
        cert: lab.certs.good,
        ...(mode ? { mode } : {}),
        ...(refuse ? { refuse } : {}),
      });
      proxies.push(p);
      return unchanged(u.healthy, [
        u.healthy,
        '--host',
        name,
        '--resolve',
        `${name}=${lab.hosts.good}`,
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        T,
        '--port',
        String(p.port),
        '--security',
        'tls',
      ]);
    };
    it('refused: IDLE_REJECTED with the refusal', async () => {
      const r = await through('refuse');
      expect(finding(r, 'IDLE_REJECTED')).toMatchObject({ severity: 'warning', params: { broke: 'refused' } });
      expect(finding(r, 'IDLE_REJECTED')?.params.error).toMatch(
        /NO \[UNAVAILABLE\] IDLE is not allowed through this proxy/,
      );
      expect(r.json.sync?.integrations.push).toBe('idle-broken');
    });
    it('LIST and SEARCH refused (no Dovecot state does that): FOLDER_LIST_FAILED and SEARCH_FAILED with the reply; IDLE still works', async () => {
      const r = await through(undefined, /^(LIST "" "\*"|UID SEARCH)/);
      expect(finding(r, 'FOLDER_LIST_FAILED')).toMatchObject({
        severity: 'warning',
        params: { command: 'LIST "" "*" RETURN (SPECIAL-USE)' },
      });
      expect(finding(r, 'FOLDER_LIST_FAILED')?.params.error).toMatch(/NO \[SERVERBUG\] Internal error occurred/);
      expect(finding(r, 'SEARCH_FAILED')?.params.error).toMatch(/NO \[SERVERBUG\]/);
      expect(codes(r.json)).toContain('IDLE_OK');
      expect(codes(r.json)).not.toContain('SPECIAL_USE_MISSING');
    });
    it('no continuation: IDLE_REJECTED after one step timeout', async () => {
      const r = await through('swallow');
      expect(finding(r, 'IDLE_REJECTED')).toMatchObject({ params: { broke: 'no-continuation' } });
      expect(r.json.sync?.probe.idle).toMatchObject({ state: 'failed', error: { code: 'TIMEOUT' } });
    });
  });

  it('--no-login and a refused login skip the sync probe with the existing reasons', async () => {
    const off = await runCli([...at(lab.hosts.good, u.healthy, '--no-login'), '--json']);
    expect(off.json?.sync).toBeUndefined();
    expect(codes(off.json as NonNullable<CliRun['json']>)).toContain('LOGIN_NOT_TESTED');
    const bad = await runCli([...at(lab.hosts.good, u.healthy), '--json'], {
      env: { IMAP_DOCTOR_PASSWORD: `${lab.password}-wrong` },
    });
    expect(bad.json?.sync).toBeUndefined();
    expect(
      codes(bad.json as NonNullable<CliRun['json']>).filter(
        (c) => SYNC_CODES.includes(c) || (c.endsWith('_OK') && /IDLE|FOLDERS|SEARCH|QUOTA|SESSIONS/.test(c)),
      ),
    ).toEqual([]);
    expect(bad.json?.endpoints[0]?.login).toMatchObject({ state: 'attempted', ok: false });
  });
});
