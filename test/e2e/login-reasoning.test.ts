/**
 * Login reasoning end to end: the real CLI against the lab's real Dovecot for every refusal it can
 * produce (wrong password, temporary failure, locked, disabled), and against fakes that speak the
 * providers' own greetings and refusal texts (pain-points §1.3–1.12). Where a provider is known by
 * host name, the fake is served under that name with a lab-CA certificate (`--resolve`). Each run
 * must yield exactly one login finding, the expected one: no other scenario may produce a code.
 * The canary password and OAuth token must never appear in any output.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labOrSkip } from '../servers/require.js';
import { scripts, startFakeImap, type FakeImapServer, type HandlersScript } from '../servers/fake-imap.js';
import { makeProviderCert } from '../servers/provider-certs.js';
import type { CertFiles } from '../servers/certs.js';
import { expectExit, registerSecret, runCli, secretForms, type CliRun, labArgs } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (login reasoning e2e)');
const T = '1500';
type Json = CliRun & { json: NonNullable<CliRun['json']> };

async function json(args: string[], env: Record<string, string>): Promise<Json> {
  const r = await runCli([...args, '--json'], { env });
  expect(schemaErrors(r.json), 'report matches docs/report.schema.json').toBeNull();
  return r as Json;
}

/** The one login finding of a single-endpoint run, asserted to be the only one. */
function loginFinding(r: Json, code: string) {
  const login = r.json.findings.filter((f) => f.stage === 'login');
  expect(
    login.map((f) => f.code),
    `login findings of ${r.json.endpoints.map((e) => e.id).join(', ')}`,
  ).toEqual([code]);
  return login[0] as NonNullable<(typeof login)[number]>;
}

describe.skipIf(!lab)('login refusals from the lab Dovecot', () => {
  if (!lab) return;
  const pw = { IMAP_DOCTOR_PASSWORD: lab.password };
  registerSecret(...Object.values(lab.users).flatMap((u) => secretForms(lab.password, u)));
  const at = (ip: string, user: string) => labArgs(lab, user, ip, T, '--port', '993');

  it('a wrong password is AUTH_FAILED with the password itself ranked first, and no provider advice', async () => {
    const r = await json(at(lab.hosts.good, lab.users.other), pw);
    expectExit(r, 1);
    const f = loginFinding(r, 'AUTH_FAILED');
    expect(f.params.response).toMatch(/NO \[AUTHENTICATIONFAILED\] Authentication failed\./);
    expect(f.params.likelyCauses).toEqual(['password-typo', 'username-form', 'app-password-if-2fa']);
    expect(f.params.provider).toBeUndefined();
    expect(f.title).toMatch(/rejected the username or password/);
  });

  it('[UNAVAILABLE] Temporary authentication failure is AUTH_TEMPORARY_FAILURE, never a bad password', async () => {
    const r = await json(at(lab.hosts.tempfail, lab.users.alice), pw);
    expectExit(r, 1);
    const f = loginFinding(r, 'AUTH_TEMPORARY_FAILURE');
    expect(f.params.code).toBe('UNAVAILABLE');
    expect(f.params.response).toMatch(/Temporary authentication failure\. \[/);
  });

  it('the right password for a locked account: ACCOUNT_LOCKED_OR_RATE_LIMITED, the [ALERT] shown verbatim', async () => {
    const r = await json(at(lab.hosts.good, lab.users.locked), pw);
    expectExit(r, 1);
    const f = loginFinding(r, 'ACCOUNT_LOCKED_OR_RATE_LIMITED');
    expect(f.params.code).toBe('ALERT');
    expect(f.params.alerts).toEqual([lab.lockedReason]);
    expect(f.explanation).toContain(lab.lockedReason);
    const text = await runCli(at(lab.hosts.good, lab.users.locked), { env: pw });
    expect(text.stdout).toContain(lab.lockedReason);
  });

  it('a wrong password for the locked account is still AUTH_FAILED: the lock code needs the lock text', async () => {
    const r = await json(at(lab.hosts.good, lab.users.locked), { IMAP_DOCTOR_PASSWORD: lab.otherPassword });
    loginFinding(r, 'AUTH_FAILED');
  });

  it('[CONTACTADMIN] for the disabled account is IMAP_DISABLED_BY_ADMIN, not a lock, although the text says "locked"', async () => {
    const r = await json(at(lab.hosts.good, lab.users.disabled), pw);
    expectExit(r, 1);
    const f = loginFinding(r, 'IMAP_DISABLED_BY_ADMIN');
    expect(f.params.code).toBe('CONTACTADMIN');
    expect(f.params.response).toContain(lab.lockedReason);
    expect(f.who).toBe('mail-admin');
  });
});

describe.skipIf(!lab)('PRIVACYREQUIRED cannot be met honestly', () => {
  if (!lab) return;
  registerSecret(...secretForms(lab.password, lab.users.alice));
  let proxy: tls.Server | null = null;
  afterAll(() => {
    proxy?.close();
  });

  // Dovecot answers [PRIVACYREQUIRED] only to a login it considers unencrypted; on such a connection it also
  // withholds AUTH=PLAIN and announces LOGINDISABLED, so the doctor (which never sends a password before TLS)
  // holds the password back first. The nearest real case: TLS terminated by a proxy in front of a plaintext Dovecot.
  it('a TLS proxy in front of a plaintext-only Dovecot: LOGINDISABLED inside TLS, the password withheld, the proxy named', async () => {
    proxy = tls.createServer({ cert: readFileSync(lab.certs.good.crt), key: readFileSync(lab.certs.good.key) }, (c) => {
      const up = net.connect({ host: lab.hosts.loginDisabled, port: lab.ports.imap, localAddress: lab.hosts.good });
      c.pipe(up).pipe(c);
      c.on('error', () => up.destroy());
      up.on('error', () => c.destroy());
    });
    const p = proxy;
    await new Promise<void>((resolve) => p.listen(0, lab.hosts.good, resolve));
    const port = (p.address() as net.AddressInfo).port;
    const r = await json(
      [
        lab.users.alice,
        '--host',
        lab.hosts.good,
        '--port',
        String(port),
        '--security',
        'tls',
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        T,
      ],
      { IMAP_DOCTOR_PASSWORD: lab.password },
    );
    expectExit(r, 1);
    const l = loginFinding(r, 'AUTH_NO_COMMON_MECHANISM');
    expect(l.params).toMatchObject({ loginDisabled: true, mechanisms: [] });
    expect(l.explanation).toMatch(/TLS proxy/);
    expect(r.json.endpoints[0]?.login).toEqual({ state: 'withheld', reason: 'login-disabled' });
    expect(r.json.findings.map((f) => f.code)).not.toContain('AUTH_TLS_REQUIRED');
  });
});

describe.skipIf(!lab)('provider refusal texts from fakes', () => {
  if (!lab) return;
  const ip = lab.hosts.good;
  const pw = { IMAP_DOCTOR_PASSWORD: lab.password };
  const user = lab.users.alice;
  registerSecret(...secretForms(lab.password, user));
  const fakes: FakeImapServer[] = [];
  let certDir = '';
  const certs: Record<string, CertFiles> = {};

  beforeAll(async () => {
    certDir = await mkdtemp(path.join(os.tmpdir(), 'imapdoc-provider-certs-'));
    const hosts = [
      'imap.gmail.com',
      'outlook.office365.com',
      'imap.mail.yahoo.com',
      'imap.aol.com',
      'imap.gmx.net',
      'imap.mail.ru',
      'secureimap.t-online.de',
      'imap.fastmail.com',
      'imap.qq.com',
    ];
    for (const host of hosts) certs[host] = await makeProviderCert(certDir, lab.certs.ca, [host]);
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
    if (certDir) await rm(certDir, { recursive: true, force: true });
  });

  /** A TLS fake on the lab address: under the lab certificate (IP SAN), or under a provider's name. */
  const fake = async (script: Omit<HandlersScript, 'kind'>, host?: string) => {
    const cert = host ? certs[host] : lab.certs.good;
    if (!cert) throw new Error(`no certificate for ${host}`);
    const f = await startFakeImap({
      host: ip,
      port: 0,
      mode: 'tls',
      cert: cert.crt,
      key: cert.key,
      script: scripts.handlers(script),
    });
    fakes.push(f);
    return f;
  };
  const run = (f: FakeImapServer, opts: { host?: string; env?: Record<string, string>; extra?: string[] } = {}) =>
    json(
      [
        user,
        '--host',
        opts.host ?? f.host,
        ...(opts.host ? ['--resolve', `${opts.host}=${f.host}`] : []),
        '--port',
        String(f.port),
        '--security',
        'tls',
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        T,
        ...(opts.extra ?? []),
      ],
      opts.env ?? pw,
    );

  const GMAIL = {
    greeting: '* OK Gimap ready for requests from 192.0.2.1 abc123',
    capabilities:
      'IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER AUTH=XOAUTH',
  };
  const M365 = {
    greeting:
      '* OK The Microsoft Exchange IMAP4 service is ready. [TQBXADIAUABSADAAMgBDAEEAMAAwADEAMgAuAGUAdQByAHAAcgBkADAAMgAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]',
    capabilities:
      'IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
  };
  const gmailAlert = (text: string) => ({ ...GMAIL, replies: { AUTHENTICATE: [`NO [ALERT] ${text} (Failure)`] } });

  const alertCases: Array<[string, string, string]> = [
    [
      'AUTH_APP_PASSWORD_REQUIRED',
      'Application-specific password required: https://support.google.com/accounts/answer/185833',
      'Two-step verification',
    ],
    [
      'AUTH_WEB_LOGIN_REQUIRED',
      'Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754',
      'browser',
    ],
    // Personal Gmail has had no IMAP switch since January 2025: the advice is the Workspace admin's, not "Enable IMAP".
    [
      'IMAP_DISABLED_BY_USER_SETTING',
      'Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access.',
      'IMAP is always on',
    ],
    [
      'IMAP_DISABLED_BY_ADMIN',
      'IMAP access is disabled for your domain. Please contact your domain administrator.',
      'End User Access',
    ],
    ['CONN_LIMIT_EXCEEDED', 'Too many simultaneous connections.', 'Close the mail apps'],
  ];
  for (const [code, text, advice] of alertCases) {
    it(`Gmail "${text.slice(0, 40)}…" (recognised by greeting): ${code}, the [ALERT] verbatim`, async () => {
      const f = await fake(gmailAlert(text));
      const r = await run(f);
      expectExit(r, 1);
      const l = loginFinding(r, code);
      expect(l.params).toMatchObject({ providerId: 'google', providerVia: 'greeting' });
      expect(l.params.alerts).toEqual([`${text} (Failure)`]);
      expect(l.explanation).toContain(`${text} (Failure)`);
      expect([...l.fix, l.explanation].join(' ')).toContain(advice);
    });
  }

  it('Gmail: a plain [AUTHENTICATIONFAILED] from imap.gmail.com (recognised by host name alone) is AUTH_FAILED with "app password" ranked first, worded as likely', async () => {
    const f = await fake(
      {
        capabilities: GMAIL.capabilities,
        replies: { AUTHENTICATE: ['NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)'] },
      },
      'imap.gmail.com',
    );
    const r = await run(f, { host: 'imap.gmail.com' });
    expectExit(r, 1);
    const l = loginFinding(r, 'AUTH_FAILED');
    expect(l.params).toMatchObject({ providerId: 'google', providerVia: 'host', providerEvidence: 'imap.gmail.com' });
    expect(l.params.likelyCauses).toEqual(['app-password', 'app-password-revoked', 'admin-policy', 'password-typo']);
    expect(l.title).toMatch(/refused the login; most likely Google wants an app password$/);
    expect(l.explanation).toMatch(/recognised as Google .* from its host name imap\.gmail\.com/);
    expect(l.fix[0]).toContain('https://myaccount.google.com/apppasswords');
    // Google's app passwords need 2-Step Verification; Workspace password sign-in ended in 2025, not on 30 Sept 2024.
    expect(l.fix[0]).toContain('two-step verification switched on first');
    expect(l.explanation).toContain('Google Workspace since 14 March 2025 (final cutoff 1 May 2025)');
    expect(l.explanation).not.toMatch(/30 Sept/);
    // The advice carries its sources: Google's own pages for the rules it uses.
    expect(l.knowledge?.sources.map((s) => s.url)).toEqual(
      expect.arrayContaining([
        'https://support.google.com/a/answer/14114704',
        'https://support.google.com/accounts/answer/185833',
      ]),
    );
    expect(l.knowledge).toMatchObject({
      provider: 'Google (Gmail / Google Workspace)',
      checked: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('Microsoft 365 by host name: "NO AUTHENTICATE failed." to a password is AUTH_OAUTH_REQUIRED, inferred and saying so', async () => {
    const f = await fake(
      { capabilities: M365.capabilities, replies: { AUTHENTICATE: ['NO AUTHENTICATE failed.'] } },
      'outlook.office365.com',
    );
    const r = await run(f, { host: 'outlook.office365.com' });
    expectExit(r, 1);
    const l = loginFinding(r, 'AUTH_OAUTH_REQUIRED');
    expect(l.params).toMatchObject({
      inferred: true,
      providerId: 'microsoft',
      providerVia: 'host',
      mechanism: 'AUTHENTICATE PLAIN',
    });
    expect(l.title).toMatch(/most likely refuses passwords/);
    expect(l.explanation).toContain('NO AUTHENTICATE failed.');
  });

  it('Microsoft 365 by greeting: "NO LOGIN failed." to the LOGIN command is AUTH_OAUTH_REQUIRED (inferred)', async () => {
    const f = await fake({
      greeting: M365.greeting,
      capabilities: 'IMAP4 IMAP4rev1 AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
      replies: { LOGIN: ['NO LOGIN failed.'] },
    });
    const r = await run(f);
    const l = loginFinding(r, 'AUTH_OAUTH_REQUIRED');
    expect(l.params).toMatchObject({ inferred: true, providerVia: 'greeting', mechanism: 'LOGIN' });
    expect(f.received('LOGIN')).toHaveLength(1);
  });

  it('Microsoft "Basic authentication is disabled." then BYE: AUTH_OAUTH_REQUIRED as a fact, the BYE kept', async () => {
    const f = await fake({
      ...M365,
      replies: {
        AUTHENTICATE: [
          'NO Basic authentication is disabled.',
          '* BYE Microsoft Exchange Server IMAP4 server signing off.',
        ],
      },
    });
    const r = await run(f);
    const l = loginFinding(r, 'AUTH_OAUTH_REQUIRED');
    expect(l.params.inferred).toBe(false);
    expect(l.params.bye).toBe('Microsoft Exchange Server IMAP4 server signing off.');
    expect(r.json.endpoints[0]?.login).toMatchObject({
      state: 'attempted',
      bye: 'Microsoft Exchange Server IMAP4 server signing off.',
    });
  });

  it('Yahoo by host name: [AUTHENTICATIONFAILED] LOGIN Invalid credentials is AUTH_FAILED, app password first', async () => {
    const f = await fake(
      { replies: { AUTHENTICATE: ['NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials'] } },
      'imap.mail.yahoo.com',
    );
    const r = await run(f, { host: 'imap.mail.yahoo.com' });
    const l = loginFinding(r, 'AUTH_FAILED');
    expect(l.params).toMatchObject({ providerId: 'yahoo', providerBrand: 'yahoo', providerVia: 'host' });
    expect((l.params.likelyCauses as string[])[0]).toBe('app-password');
    // Yahoo wants an app password whatever the two-step setting.
    expect(l.fix[0]).toBe(
      'Create an app password at https://login.yahoo.com/account/security and use it instead of your normal password, without spaces.',
    );
  });

  it('iCloud by greeting: [AUTHENTICATIONFAILED] is AUTH_FAILED, app password first', async () => {
    const f = await fake({
      greeting:
        '* OK [CAPABILITY XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN] iSCREAM ready to rumble (1B1234a-1a2b3c4d5e6f mr38p00im-ztdg06031101) mr38p00im-ztdg06031101',
      capabilities: 'XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN',
      replies: { AUTHENTICATE: ['NO [AUTHENTICATIONFAILED] Authentication failed'] },
    });
    const r = await run(f);
    const l = loginFinding(r, 'AUTH_FAILED');
    expect(l.params).toMatchObject({ providerId: 'icloud', providerVia: 'greeting' });
    // Apple revokes every app-specific password when the account password changes; supported apps may sign in with the Apple Account.
    expect(l.params.likelyCauses).toEqual(['app-password', 'app-password-revoked', 'username-form', 'password-typo']);
    expect(l.explanation).toContain('iCloud Mail revokes them when the account password is changed');
    expect(l.explanation).toContain(
      'Supported third-party apps can instead be authorized with the Apple Account itself.',
    );
    expect(
      l.knowledge?.sources.some((s) => s.rule === 'revocation' && s.url === 'https://support.apple.com/102654'),
    ).toBe(true);
  });

  it('Zoho "You are yet to enable IMAP for your account": IMAP_DISABLED_BY_USER_SETTING with Zoho\'s switch', async () => {
    const f = await fake({
      greeting: '* OK mx.zoho.com IMAP4 Server (Zoho Mail IMAP4rev1 Server version 1.0)',
      replies: {
        AUTHENTICATE: [
          'NO [ALERT] You are yet to enable IMAP for your account. Please contact your administrator (Failure)',
        ],
      },
    });
    const r = await run(f);
    const l = loginFinding(r, 'IMAP_DISABLED_BY_USER_SETTING');
    expect(l.params.providerId).toBe('zoho');
    expect(l.fix[0]).toMatch(/IMAP Access/);
  });

  it('GMX by host name, "NO authentication failed": AUTH_FAILED with the IMAP switch ranked first, its help page named', async () => {
    const f = await fake({ replies: { AUTHENTICATE: ['NO authentication failed'] } }, 'imap.gmx.net');
    const r = await run(f, { host: 'imap.gmx.net' });
    const l = loginFinding(r, 'AUTH_FAILED');
    expect(l.params).toMatchObject({ providerId: 'gmx', providerBrand: 'gmx-net', providerVia: 'host' });
    expect((l.params.likelyCauses as string[])[0]).toBe('imap-switch');
    expect(l.fix[0]).toContain('https://hilfe.gmx.net/pop-imap/einschalten.html');
  });

  // The provider knowledge checked against late-2026 sources (issue #14): each refusal is the text a public thread quotes.
  it('AOL by host name: its own app-password page (login.aol.com), and no two-step clause (Yahoo/AOL need none)', async () => {
    const f = await fake(
      { replies: { AUTHENTICATE: ['NO [AUTHENTICATIONFAILED] (#MBR1212) Incorrect username or password.'] } },
      'imap.aol.com',
    );
    const r = await run(f, { host: 'imap.aol.com' });
    const l = loginFinding(r, 'AUTH_FAILED');
    expect(l.params).toMatchObject({ providerId: 'yahoo', providerBrand: 'aol', provider: 'AOL Mail' });
    expect(l.fix[0]).toContain('https://login.aol.com/account/security');
    expect(l.fix.join(' ')).not.toMatch(/login\.yahoo\.com|two-step/i);
    expect(l.knowledge?.sources.map((s) => s.url)).toContain(
      'https://help.aol.com/articles/Create-and-manage-app-password',
    );
  });

  it('Mail.ru "Application password is REQUIRED" (as thunderbird-android#9069 quotes it): AUTH_APP_PASSWORD_REQUIRED, never a wrong password', async () => {
    const text =
      'NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Aplication password is REQUIRED';
    const f = await fake({ replies: { AUTHENTICATE: [`NO [AUTHENTICATIONFAILED] ${text}`] } }, 'imap.mail.ru');
    const r = await run(f, { host: 'imap.mail.ru' });
    expectExit(r, 1);
    const l = loginFinding(r, 'AUTH_APP_PASSWORD_REQUIRED');
    expect(l.params).toMatchObject({
      providerId: 'mailru',
      appPasswordAt: 'https://help.mail.ru/mail/security/protection/external',
    });
    expect(l.title).toBe('Mail.ru wants an application password, not your normal password');
    expect(l.explanation).toContain(text);
    expect(l.explanation).not.toMatch(/Two-step verification is on/);
    expect(l.fix[0]).toContain('https://help.mail.ru/mail/security/protection/external');
    expect(l.knowledge?.sources.map((s) => s.url)).toContain(
      'https://github.com/thunderbird/thunderbird-android/issues/9069',
    );
    // The text report names the sources next to the advice.
    const text2 = await runCli(
      [
        user,
        '--host',
        'imap.mail.ru',
        '--resolve',
        `imap.mail.ru=${f.host}`,
        '--port',
        String(f.port),
        '--security',
        'tls',
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        T,
      ],
      { env: pw },
    );
    expect(text2.stdout).toMatch(
      /Sources \(Mail\.ru, checked \d{4}-\d{2}-\d{2}\): https:\/\/github\.com\/pozitronik\/CloudMailRu\/issues\/317/,
    );
  });

  it('T-Online by host name (secureimap.t-online.de): its separate e-mail password ranked first', async () => {
    // No public copy of a T-Online refusal text was found: the generic RFC 5530 form is used.
    const f = await fake(
      { replies: { AUTHENTICATE: ['NO [AUTHENTICATIONFAILED] Authentication failed.'] } },
      'secureimap.t-online.de',
    );
    const r = await run(f, { host: 'secureimap.t-online.de' });
    const l = loginFinding(r, 'AUTH_FAILED');
    expect(l.params).toMatchObject({ providerId: 't-online', likelyCauses: ['app-password', 'password-typo'] });
    expect(l.title).toMatch(/most likely T-Online wants an e-mail password \(E-Mail-Passwort\)$/);
    expect(l.fix[0]).toContain('https://www.telekom.de/hilfe/apps-dienste/e-mail/programme/passwort-verwalten');
  });

  it('Fastmail "NO Incorrect username or password." (Mailspring#2217): app password first, Basic plans without IMAP named', async () => {
    const f = await fake(
      { greeting: '* OK IMAP4 ready', replies: { AUTHENTICATE: ['NO Incorrect username or password.'] } },
      'imap.fastmail.com',
    );
    const r = await run(f, { host: 'imap.fastmail.com' });
    const l = loginFinding(r, 'AUTH_FAILED');
    expect(l.params.likelyCauses).toEqual(['app-password', 'app-password-scope', 'plan-without-imap', 'password-typo']);
    expect(l.fix.join(' ')).toContain('If the account is on Fastmail Basic plans, no mail app can connect');
    expect(l.fix[0]).not.toMatch(/two-step/i);
  });

  it('QQ Mail "Please using authorized code to login": AUTH_APP_PASSWORD_REQUIRED, worded as its authorization code', async () => {
    const f = await fake(
      {
        replies: {
          AUTHENTICATE: [
            'NO Please using authorized code to login. More information at http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256',
          ],
        },
      },
      'imap.qq.com',
    );
    const r = await run(f, { host: 'imap.qq.com' });
    const l = loginFinding(r, 'AUTH_APP_PASSWORD_REQUIRED');
    expect(l.title).toBe('QQ Mail wants an authorization code (授权码), not your normal password');
  });

  it('Dovecot "[UNAVAILABLE] Maximum number of connections from user+IP exceeded": CONN_LIMIT_EXCEEDED with the setting, never a temporary failure or bad password', async () => {
    const f = await fake({
      replies: {
        AUTHENTICATE: [
          'NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)',
        ],
      },
    });
    const r = await run(f);
    const l = loginFinding(r, 'CONN_LIMIT_EXCEEDED');
    expect(l.params).toMatchObject({ setting: 'mail_max_userip_connections', limit: 10, code: 'UNAVAILABLE' });
    expect(l.fix.join(' ')).toContain('raise mail_max_userip_connections (now 10)');
  });

  it('[LIMIT] is CONN_LIMIT_EXCEEDED; [EXPIRED] is AUTH_PASSWORD_EXPIRED', async () => {
    const limit = await fake({ replies: { AUTHENTICATE: ['NO [LIMIT] Too many sessions for this user'] } });
    loginFinding(await run(limit), 'CONN_LIMIT_EXCEEDED');
    const expired = await fake({
      replies: { AUTHENTICATE: ['NO [EXPIRED] Password expired, change it in the webmail'] },
    });
    const l = loginFinding(await run(expired), 'AUTH_PASSWORD_EXPIRED');
    expect(l.params.code).toBe('EXPIRED');
  });

  it('a BYE greeting about too many connections stays GREETING_BYE (no login, no CONN_LIMIT_EXCEEDED)', async () => {
    const f = await startFakeImap({
      host: ip,
      port: 0,
      mode: 'tls',
      cert: lab.certs.good.crt,
      key: lab.certs.good.key,
      script: scripts.bye('* BYE [UNAVAILABLE] Too many connections'),
    });
    fakes.push(f);
    const r = await run(f);
    expect(r.json.findings.map((x) => x.code)).toContain('GREETING_BYE');
    expect(r.json.findings.map((x) => x.code)).not.toContain('CONN_LIMIT_EXCEEDED');
    expect(f.credentials).toEqual([]);
  });

  describe('OAuth 2 (IMAP_DOCTOR_OAUTH_TOKEN)', () => {
    const token = `ya29.canary-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
    registerSecret(token, Buffer.from(token).toString('base64'));
    const env = { IMAP_DOCTOR_OAUTH_TOKEN: token };
    const challenge = Buffer.from(
      JSON.stringify({ status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' }),
    ).toString('base64');
    /** What the client put on the wire for the token, base64-encoded as sent: must not be in any output. */
    const wireForms = (f: FakeImapServer) =>
      f.credentials.flatMap((c) => (c.payload ? [Buffer.from(c.payload).toString('base64')] : []));

    it('XOAUTH2 refused with an error challenge: AUTH_OAUTH_TOKEN_REJECTED explains status and scope; the token is in no output', async () => {
      const f = await fake(
        {
          capabilities: 'IMAP4rev1 ID SASL-IR AUTH=XOAUTH2 AUTH=PLAIN',
          replies: { AUTHENTICATE: [`+ ${challenge}`, 'NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)'] },
        },
        'imap.gmail.com',
      );
      const r = await run(f, { host: 'imap.gmail.com', env, extra: ['--transcript'] });
      expectExit(r, 1);
      const l = loginFinding(r, 'AUTH_OAUTH_TOKEN_REJECTED');
      expect(l.params).toMatchObject({
        oauthStatus: '401',
        oauthScope: 'https://mail.google.com/',
        oauthSchemes: 'bearer',
        mechanism: 'AUTHENTICATE XOAUTH2',
        providerId: 'google',
      });
      expect(l.explanation).toMatch(/expired/);
      expect(r.json.input.options.credentialSource).toBe('oauth-env');
      expect(f.credentials).toHaveLength(1);
      expect(f.credentials[0]).toMatchObject({ mechanism: 'XOAUTH2', user });
      expect(f.credentials[0]?.payload).toBe(`user=${user}\x01auth=Bearer ${token}\x01\x01`);
      for (const form of wireForms(f)) expect(r.stdout).not.toContain(form);
    });

    it('OAUTHBEARER accepted: AUTH_OK, the token sent only inside TLS as RFC 7628 asks, and never printed', async () => {
      const f = await fake({ capabilities: 'IMAP4rev1 ID SASL-IR AUTH=OAUTHBEARER AUTH=XOAUTH2' });
      const r = await run(f, { env, extra: ['--transcript'] });
      expectExit(r, 0);
      const l = loginFinding(r, 'AUTH_OK');
      expect(l.params.mechanism).toBe('AUTHENTICATE OAUTHBEARER');
      expect(f.credentials[0]?.payload).toContain(`auth=Bearer ${token}\x01\x01`);
      expect(f.lines.every((x) => x.layer === 'tls')).toBe(true);
      for (const form of wireForms(f)) expect(r.stdout).not.toContain(form);
    });

    it('Microsoft "User is authenticated but not connected" after a token login: AUTH_MAILBOX_NOT_CONNECTED, not a refused token', async () => {
      const f = await fake({
        ...M365,
        replies: { NAMESPACE: ['BAD User is authenticated but not connected.', '* BYE Connection closed. 14'] },
      });
      const r = await run(f, { env });
      expectExit(r, 1);
      const l = loginFinding(r, 'AUTH_MAILBOX_NOT_CONNECTED');
      expect(l.params).toMatchObject({ oauth: true, providerId: 'microsoft', status: 'BAD' });
      expect(l.fix.join(' ')).toContain(user);
    });

    it('a server that echoes the token back: the text quoting it is hidden whole, so no report holds any piece of it', async () => {
      const f = await fake({
        capabilities: 'IMAP4rev1 SASL-IR AUTH=XOAUTH2',
        replies: {
          AUTHENTICATE: (_cmd, ctx) => [
            `NO [ALERT] Invalid token ${/auth=Bearer ([^\x01]*)/.exec(ctx.credentials?.payload ?? '')?.[1] ?? '?'} (Failure)`,
          ],
        },
      });
      const r = await run(f, { env, extra: ['--transcript'] });
      const l = loginFinding(r, 'AUTH_OAUTH_TOKEN_REJECTED');
      expect(l.params.response).toMatch(/\[server text hidden: it quoted your password or token\]$/);
      expect(l.params.alerts).toEqual(['[server text hidden: it quoted your password or token]']);
    });

    it('a server without XOAUTH2/OAUTHBEARER never gets the token: AUTH_NO_COMMON_MECHANISM', async () => {
      const f = await fake({});
      const r = await run(f, { env });
      expectExit(r, 1);
      const l = loginFinding(r, 'AUTH_NO_COMMON_MECHANISM');
      expect(l.params.oauth).toBe(true);
      expect(f.credentials).toEqual([]);
    });
  });
});
