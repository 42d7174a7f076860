/**
 * The login checks from hand-built evidence: one row per server text (pain-points §1.3–1.12) with
 * the code it must give, the provider evidence it rests on, and what it must never give. Every run
 * yields exactly one login finding per attempted endpoint, so "toEqual([code])" is also the
 * negative assertion: no other code fires for that evidence.
 */
import { describe, expect, it } from 'vitest';
import { AUTH_CHECKS } from '../../../../src/checks/auth/index.js';
import { REFUSAL_RULES } from '../../../../src/checks/auth/refusal.js';
import { runChecks } from '../../../../src/checks/index.js';
import type { CheckContext } from '../../../../src/checks/types.js';
import { CATALOGUE, renderEntry } from '../../../../src/catalogue/index.js';
import type { LoginAttempt, TaggedResponse } from '../../../../src/model/evidence.js';
import type { Finding } from '../../../../src/model/finding.js';
import { addressProbe, candidate, context, endpoint, greeting } from '../../../helpers/evidence.js';

const GMAIL = '* OK Gimap ready for requests from 192.0.2.1 abc123';
const M365 =
  '* OK The Microsoft Exchange IMAP4 service is ready. [TQBXADIAUABSADAAMgBDAEEAMAAwADEAMgAuAGUAdQByAHAAcgBkADAAMgAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]';
const ICLOUD =
  '* OK [CAPABILITY XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN] iSCREAM ready to rumble (1B1234a) mr38p00im';
const YAHOO =
  '* OK [CAPABILITY IMAP4rev1 ID MOVE NAMESPACE XYMHIGHESTMODSEQ UIDPLUS LITERAL+ CHILDREN X-MSG-EXT UNSELECT OBJECTID SASL-IR AUTH=PLAIN AUTH=LOGIN AUTH=XOAUTH2 AUTH=OAUTHBEARER] IMAP4rev1 imapgate-1.8.1_01.20166 imap1033.mail.ne1.yahoo.com';
const ZOHO = '* OK mx.zoho.com IMAP4 Server (Zoho Mail IMAP4rev1 Server version 1.0)';
const DOVECOT = '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN] Dovecot ready.';

/** `a1 NO [CODE] text` → the tagged response as the probe records it. */
function reply(line: string): TaggedResponse {
  const m = /^\S+ (NO|BAD) (?:\[([A-Z-]+)[^\]]*\] ?)?(.*)$/.exec(line);
  if (!m) throw new Error(`bad test line ${line}`);
  return { status: m[1] as 'NO' | 'BAD', ...(m[2] ? { code: m[2] } : {}), text: m[3] ?? '', line };
}

interface Row {
  /** What the server sent (tagged reply), or null when it only hung up. */
  line: string | null;
  host?: string;
  greet?: string;
  alerts?: string[];
  bye?: string;
  oauthError?: Record<string, string>;
  ctx?: Partial<CheckContext>;
  mechanism?: string;
}

function run(row: Row): Finding[] {
  const r = row.line ? reply(row.line) : undefined;
  const at: LoginAttempt = {
    address: '192.0.2.10',
    ms: 120,
    ok: false,
    mechanism: row.mechanism ?? 'AUTHENTICATE PLAIN',
    alerts: row.alerts ?? [],
    ...(r ? { response: r } : {}),
    ...(row.bye ? { bye: row.bye } : {}),
    ...(row.oauthError ? { oauthError: row.oauthError } : {}),
    error: r
      ? { code: r.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: r.line }
      : { code: 'CLOSED', message: 'connection closed' },
    credentialsRejected: r?.status === 'NO',
  };
  const g = greeting(row.greet ?? '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.');
  const e = endpoint(candidate(row.host ?? '192.0.2.10'), {
    addresses: [addressProbe('tls', { greeting: { state: 'ok', value: g, ms: 3 } })],
    login: { state: 'attempted', attempt: at },
  });
  return runChecks(context([e], row.ctx ?? {}), AUTH_CHECKS);
}

function one(row: Row): Finding {
  const fs = run(row).filter((f) => f.stage === 'login');
  expect(fs).toHaveLength(1);
  return fs[0] as Finding;
}

const oauth: Partial<CheckContext> = { credentials: 'oauth' };

const ROWS: Array<[string, Row, string, Record<string, unknown>?]> = [
  // Dovecot and RFC 5530 codes (pain-points §1.2, §1.12)
  [
    'Dovecot wrong password',
    { line: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.', greet: DOVECOT },
    'AUTH_FAILED',
    { likelyCauses: ['password-typo', 'username-form', 'app-password-if-2fa'] },
  ],
  [
    'Dovecot temporary failure',
    { line: 'a1 NO [UNAVAILABLE] Temporary authentication failure. [imap:2026-11-26 12:00:00]', greet: DOVECOT },
    'AUTH_TEMPORARY_FAILURE',
    { code: 'UNAVAILABLE' },
  ],
  [
    'Dovecot connection limit',
    {
      line: 'a1 NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)',
    },
    'CONN_LIMIT_EXCEEDED',
    { setting: 'mail_max_userip_connections', limit: 10 },
  ],
  ['[LIMIT]', { line: 'a1 NO [LIMIT] Too many sessions' }, 'CONN_LIMIT_EXCEEDED'],
  ['[EXPIRED]', { line: 'a1 NO [EXPIRED] Password expired.' }, 'AUTH_PASSWORD_EXPIRED', { code: 'EXPIRED' }],
  ['expired password text without code', { line: 'a1 NO Your password has expired' }, 'AUTH_PASSWORD_EXPIRED'],
  [
    '[CONTACTADMIN] with a "locked" text',
    { line: 'a1 NO [CONTACTADMIN] Your account has been locked by the administrator.' },
    'IMAP_DISABLED_BY_ADMIN',
    { code: 'CONTACTADMIN' },
  ],
  [
    'Dovecot passdb deny reason as [ALERT]',
    {
      line: 'a1 NO [ALERT] Your account has been locked by the administrator.',
      alerts: ['Your account has been locked by the administrator.'],
    },
    'ACCOUNT_LOCKED_OR_RATE_LIMITED',
  ],
  [
    'too many failed attempts',
    { line: 'a1 NO Too many failed login attempts, try again in 15 minutes' },
    'ACCOUNT_LOCKED_OR_RATE_LIMITED',
  ],
  [
    'temporarily blocked',
    { line: 'a1 NO [UNAVAILABLE] Your IP is temporarily blocked' },
    'ACCOUNT_LOCKED_OR_RATE_LIMITED',
  ],
  [
    '[PRIVACYREQUIRED]',
    { line: 'a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.' },
    'AUTH_TLS_REQUIRED',
    { loginDisabled: false },
  ],
  ['[AUTHORIZATIONFAILED]', { line: 'a1 NO [AUTHORIZATIONFAILED] Authorization failed' }, 'AUTH_REFUSED'],
  [
    'an unknown [ALERT]',
    {
      line: 'a1 NO [ALERT] Account exceeded command or bandwidth limits. (Failure)',
      alerts: ['Account exceeded command or bandwidth limits. (Failure)'],
    },
    'AUTH_REFUSED',
  ],
  // Gmail (§1.3)
  [
    'Gmail app password',
    {
      line: 'a1 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)',
      greet: GMAIL,
    },
    'AUTH_APP_PASSWORD_REQUIRED',
    { providerId: 'google', providerVia: 'greeting' },
  ],
  [
    'Gmail web login',
    {
      line: 'a1 NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)',
      greet: GMAIL,
    },
    'AUTH_WEB_LOGIN_REQUIRED',
  ],
  [
    'Gmail older WEBALERT',
    {
      line: 'a1 NO [WEBALERT https://accounts.google.com/ContinueSignIn?x=1] Web login required.',
      host: 'imap.gmail.com',
    },
    'AUTH_WEB_LOGIN_REQUIRED',
    { code: 'WEBALERT' },
  ],
  [
    'Gmail IMAP off',
    {
      line: 'a1 NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)',
      greet: GMAIL,
    },
    'IMAP_DISABLED_BY_USER_SETTING',
  ],
  [
    'Gmail IMAP off for the domain',
    {
      line: 'a1 NO [ALERT] IMAP access is disabled for your domain. Please contact your domain administrator. (Failure)',
      greet: GMAIL,
    },
    'IMAP_DISABLED_BY_ADMIN',
  ],
  [
    'Gmail too many connections',
    { line: 'a1 NO [ALERT] Too many simultaneous connections. (Failure)', greet: GMAIL },
    'CONN_LIMIT_EXCEEDED',
  ],
  ['Gmail System Error', { line: 'a1 NO System Error (Failure)', host: 'imap.gmail.com' }, 'AUTH_TEMPORARY_FAILURE'],
  [
    'Gmail plain invalid credentials by host',
    { line: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)', host: 'imap.gmail.com' },
    'AUTH_FAILED',
    { providerVia: 'host', likelyCauses: ['app-password', 'app-password-revoked', 'admin-policy', 'password-typo'] },
  ],
  // Microsoft (§1.4)
  [
    'M365 LOGIN failed by host',
    { line: 'a1 NO LOGIN failed.', host: 'outlook.office365.com', mechanism: 'LOGIN' },
    'AUTH_OAUTH_REQUIRED',
    { inferred: true, providerVia: 'host' },
  ],
  [
    'M365 AUTHENTICATE failed by greeting',
    { line: 'a1 NO AUTHENTICATE failed.', greet: M365 },
    'AUTH_OAUTH_REQUIRED',
    { inferred: true, providerVia: 'greeting' },
  ],
  [
    'Microsoft basic auth disabled',
    { line: 'a1 NO Basic authentication is disabled.', bye: 'Microsoft Exchange Server IMAP4 server signing off.' },
    'AUTH_OAUTH_REQUIRED',
    { inferred: false, bye: 'Microsoft Exchange Server IMAP4 server signing off.' },
  ],
  ['Exchange Server Unavailable', { line: 'a1 NO Server Unavailable. 15', greet: M365 }, 'AUTH_TEMPORARY_FAILURE'],
  [
    'M365 authenticated but not connected',
    { line: 'a3 BAD User is authenticated but not connected.', greet: M365 },
    'AUTH_MAILBOX_NOT_CONNECTED',
    { oauth: false, status: 'BAD' },
  ],
  // Yahoo, iCloud, Zoho, GMX (§1.6–1.10)
  [
    'Yahoo invalid credentials',
    { line: 'a1 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials', greet: YAHOO },
    'AUTH_FAILED',
    { providerId: 'yahoo', likelyCauses: ['app-password', 'password-typo', 'username-form'] },
  ],
  [
    'iCloud authentication failed',
    { line: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed', greet: ICLOUD },
    'AUTH_FAILED',
    { providerId: 'icloud', likelyCauses: ['app-password', 'app-password-revoked', 'username-form', 'password-typo'] },
  ],
  [
    'Zoho IMAP not enabled',
    {
      line: 'a1 NO [ALERT] You are yet to enable IMAP for your account. Please contact your administrator (Failure)',
      greet: ZOHO,
    },
    'IMAP_DISABLED_BY_USER_SETTING',
    { providerId: 'zoho' },
  ],
  [
    'organisation policy text',
    { line: 'a1 NO [ALERT] IMAP access is disabled by your organization administrator (Failure)', greet: ZOHO },
    'IMAP_DISABLED_BY_ADMIN',
  ],
  [
    'Zoho invalid credentials',
    { line: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials(Failure)', host: 'imap.zoho.com' },
    'AUTH_FAILED',
    {
      providerBrand: 'zoho-com',
      likelyCauses: ['app-password-if-2fa', 'wrong-region', 'imap-switch', 'plan-without-imap', 'password-typo'],
    },
  ],
  [
    'GMX authentication failed (by host name)',
    { line: 'a1 NO authentication failed', host: 'imap.gmx.net' },
    'AUTH_FAILED',
    {
      providerId: 'gmx',
      providerBrand: 'gmx-net',
      likelyCauses: ['imap-switch', 'password-typo', 'app-password-if-2fa'],
    },
  ],
  // Mail.ru, QQ Mail, T-Online (provider-knowledge entries, each text from its quoted source)
  [
    'Mail.ru application password, as the thread quotes it',
    {
      line: 'a1 NO NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Aplication password is REQUIRED',
      host: 'imap.mail.ru',
    },
    'AUTH_APP_PASSWORD_REQUIRED',
    {
      providerId: 'mailru',
      appPasswordAt: 'https://help.mail.ru/mail/security/protection/external',
      appPasswordNeeds2fa: false,
    },
  ],
  [
    'Mail.ru application password with [AUTHENTICATIONFAILED]',
    {
      line: 'a1 NO [AUTHENTICATIONFAILED] NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Application password is REQUIRED',
      host: 'imap.mail.ru',
    },
    'AUTH_APP_PASSWORD_REQUIRED',
    { providerId: 'mailru' },
  ],
  [
    'QQ Mail authorization code',
    {
      line: 'a1 NO Please using authorized code to login. More information at http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256',
      host: 'imap.qq.com',
    },
    'AUTH_APP_PASSWORD_REQUIRED',
    { providerId: 'qq', appPasswordName: 'authorization code (授权码)' },
  ],
  [
    'T-Online refused (generic RFC 5530 text: no T-Online refusal text is public)',
    { line: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.', host: 'secureimap.t-online.de' },
    'AUTH_FAILED',
    { providerId: 't-online', likelyCauses: ['app-password', 'password-typo'] },
  ],
  [
    "AOL by host name: AOL's own app-password page",
    { line: 'a1 NO [AUTHENTICATIONFAILED] (#MBR1212) Incorrect username or password.', host: 'imap.aol.com' },
    'AUTH_FAILED',
    { providerBrand: 'aol', appPasswordAt: 'https://login.aol.com/account/security', appPasswordNeeds2fa: false },
  ],
  // OAuth (§1.3, §1.4)
  [
    'XOAUTH2 refused with a challenge',
    {
      line: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)',
      host: 'imap.gmail.com',
      mechanism: 'AUTHENTICATE XOAUTH2',
      oauthError: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' },
      ctx: oauth,
    },
    'AUTH_OAUTH_TOKEN_REJECTED',
    { oauthStatus: '401', oauthScope: 'https://mail.google.com/', oauthSchemes: 'bearer' },
  ],
  [
    'Gmail token [ALERT] Invalid credentials',
    {
      line: 'a1 NO [ALERT] Invalid credentials (Failure)',
      greet: GMAIL,
      mechanism: 'AUTHENTICATE XOAUTH2',
      ctx: oauth,
    },
    'AUTH_OAUTH_TOKEN_REJECTED',
  ],
  [
    'M365 token refused',
    {
      line: 'a1 NO AUTHENTICATE failed.',
      host: 'outlook.office365.com',
      mechanism: 'AUTHENTICATE XOAUTH2',
      ctx: oauth,
    },
    'AUTH_OAUTH_TOKEN_REJECTED',
  ],
  [
    'M365 token for another mailbox',
    { line: 'a3 BAD User is authenticated but not connected.', greet: M365, ctx: oauth },
    'AUTH_MAILBOX_NOT_CONNECTED',
    { oauth: true },
  ],
  [
    'token but the server is rate limiting',
    { line: 'a1 NO [ALERT] Too many simultaneous connections. (Failure)', greet: GMAIL, ctx: oauth },
    'CONN_LIMIT_EXCEEDED',
  ],
  // Only a BYE (no tagged reply)
  [
    'BYE about connections after the login command',
    { line: null, bye: 'Too many connections from your IP' },
    'CONN_LIMIT_EXCEEDED',
  ],
  [
    'BYE that explains nothing',
    { line: null, bye: 'Server shutting down' },
    'LOGIN_INCOMPLETE',
    { bye: 'Server shutting down' },
  ],
];

describe('auth/login: one code per server answer', () => {
  it.each(ROWS.map(([name, row, code, params]) => [name, code, row, params] as const))(
    '%s → %s',
    (_name, code, row, params) => {
      const f = one(row);
      expect(f.code).toBe(code);
      if (params) expect(f.params).toMatchObject(params);
      const text = renderEntry(f.code, f.params, f.subject);
      if (row.line) expect(text.explanation).toContain(row.line);
      for (const a of row.alerts ?? []) expect(`${text.explanation}`).toContain(a);
    },
  );

  it('never calls an [UNAVAILABLE] or limit text a bad password, whatever the provider', () => {
    const limitTexts = [
      'a1 NO [UNAVAILABLE] Temporary authentication failure.',
      'a1 NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=16)',
      'a1 NO [ALERT] Too many simultaneous connections. (Failure)',
      'a1 NO [LIMIT] Too many sessions',
      'a1 NO Server Unavailable. 15',
    ];
    for (const line of limitTexts) {
      for (const where of [{}, { host: 'imap.gmail.com' }, { host: 'outlook.office365.com' }, { greet: ICLOUD }]) {
        const f = one({ line, ...where });
        expect(['AUTH_TEMPORARY_FAILURE', 'CONN_LIMIT_EXCEEDED'], `${line} at ${JSON.stringify(where)}`).toContain(
          f.code,
        );
      }
    }
  });

  it('a plain wrong password on a server of no known provider never becomes provider advice', () => {
    for (const host of ['imap.example.com', 'mail.example.org', '192.0.2.10']) {
      const f = one({ line: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.', host, greet: DOVECOT });
      expect(f.code).toBe('AUTH_FAILED');
      expect(f.params.provider).toBeUndefined();
      expect(renderEntry(f.code, f.params, f.subject).title).toMatch(/rejected the username or password$/);
    }
  });

  it('provider evidence from MX alone ranks the causes but does not claim the server itself (Microsoft → AUTH_FAILED, OAuth first)', () => {
    const ctx: Partial<CheckContext> = {
      discovery: {
        domain: 'contoso.com',
        sources: [],
        resolverWorking: true,
        provider: {
          id: 'microsoft',
          name: 'Microsoft',
          via: 'mx',
          evidence: 'contoso-com.mail.protection.outlook.com',
        },
      },
    };
    const f = one({ line: 'a1 NO LOGIN failed.', host: 'mail.contoso.com', ctx });
    expect(f.code).toBe('AUTH_FAILED');
    expect(f.params).toMatchObject({
      providerId: 'microsoft',
      providerVia: 'mx',
      providerEvidence: 'contoso-com.mail.protection.outlook.com',
    });
    expect((f.params.likelyCauses as string[])[0]).toBe('oauth-only');
    const t = renderEntry(f.code, f.params, f.subject);
    expect(t.explanation).toContain("your domain's MX record contoso-com.mail.protection.outlook.com");
    expect(t.title).toContain('most likely');
  });

  it("the domain's MX tells which Microsoft brand a shared host serves: Outlook.com gets its IMAP switch and its 16 September 2024 date", () => {
    const ctx: Partial<CheckContext> = {
      discovery: {
        domain: 'example.org',
        sources: [],
        resolverWorking: true,
        provider: {
          id: 'microsoft',
          name: 'Outlook.com (personal Microsoft account)',
          brand: 'outlook',
          via: 'mx',
          evidence: 'hotmail-com.olc.protection.outlook.com',
        },
      },
    };
    const f = one({ line: 'a1 NO LOGIN failed.', host: 'outlook.office365.com', mechanism: 'LOGIN', ctx });
    expect(f.code).toBe('AUTH_OAUTH_REQUIRED');
    expect(f.params).toMatchObject({
      providerBrand: 'outlook',
      provider: 'Outlook.com (personal Microsoft account)',
      providerVia: 'host',
    });
    const t = renderEntry(f.code, f.params, f.subject);
    expect(t.explanation).toContain('stopped working in non-Microsoft mail apps on 16 September 2024');
    expect(t.fix.join(' ')).toContain('Outlook.com → Settings → Mail → Forwarding and IMAP');
    expect(f.knowledge?.brand).toBe('Outlook.com (personal Microsoft account)');
  });

  it("a Zoho server of another region than the domain's MX: the region mismatch is the first cause, with the right server", () => {
    const ctx: Partial<CheckContext> = {
      discovery: {
        domain: 'example.org',
        sources: [],
        resolverWorking: true,
        provider: {
          id: 'zoho',
          name: 'Zoho Mail (EU data centre, zoho.eu)',
          brand: 'zoho-eu',
          via: 'mx',
          evidence: 'mx.zoho.eu',
        },
      },
    };
    const f = one({ line: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials(Failure)', host: 'imap.zoho.com', ctx });
    expect(f.code).toBe('AUTH_FAILED');
    expect(f.params).toMatchObject({ providerBrand: 'zoho-com', expectedHost: 'imap.zoho.eu' });
    expect((f.params.likelyCauses as string[])[0]).toBe('wrong-region');
    expect(renderEntry(f.code, f.params, f.subject).fix[0]).toBe(
      'Use imap.zoho.eu, the server of Zoho Mail (EU data centre, zoho.eu), instead of imap.zoho.com.',
    );
  });

  it("the two-step clause appears only where the provider's page says app passwords need it", () => {
    const google = renderEntry(
      'AUTH_FAILED',
      one({ line: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)', host: 'imap.gmail.com' }).params,
      {},
    );
    expect(google.fix[0]).toContain('two-step verification switched on first');
    for (const host of [
      'imap.mail.yahoo.com',
      'imap.aol.com',
      'imap.fastmail.com',
      'imap.yandex.com',
      'imap.mail.ru',
      'secureimap.t-online.de',
    ]) {
      const t = renderEntry(
        'AUTH_FAILED',
        one({ line: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.', host }).params,
        {},
      );
      expect(t.fix.join(' '), host).not.toMatch(/two-step/i);
    }
  });

  it('MX pointing at Google is not applied to a server that greets as Dovecot', () => {
    const ctx: Partial<CheckContext> = {
      discovery: {
        domain: 'example.org',
        sources: [],
        resolverWorking: true,
        provider: { id: 'google', name: 'Google', via: 'mx', evidence: 'aspmx.l.google.com' },
      },
    };
    const f = one({
      line: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.',
      host: 'mail.example.org',
      greet: DOVECOT,
      ctx,
    });
    expect(f.params.provider).toBeUndefined();
  });

  it("the address's domain alone (alice@gmail.com) is named as the evidence", () => {
    const f = one({
      line: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)',
      host: '192.0.2.10',
      ctx: { address: { address: 'alice@gmail.com', localPart: 'alice', domain: 'gmail.com' } },
    });
    expect(f.params).toMatchObject({ providerId: 'google', providerVia: 'domain', providerEvidence: 'gmail.com' });
  });

  it('a success is AUTH_OK and nothing else; the inbox is judged separately', () => {
    const e = endpoint(candidate(), {
      login: {
        state: 'attempted',
        attempt: {
          address: '192.0.2.10',
          ms: 80,
          ok: true,
          mechanism: 'AUTHENTICATE PLAIN',
          alerts: [],
          credentialsRejected: false,
          mailbox: { state: 'ok', value: { name: 'INBOX', exists: 3, readOnly: true }, ms: 4 },
        },
      },
    });
    expect(runChecks(context([e]), AUTH_CHECKS).map((f) => f.code)).toEqual(['AUTH_OK', 'INBOX_OK']);
  });
});

describe('[ALERT] texts are always shown verbatim', () => {
  it('on a successful login (a password-expiry warning, say)', () => {
    const alert = 'Your password expires in 3 days. Change it at https://webmail.example.com/pw';
    const e = endpoint(candidate(), {
      login: {
        state: 'attempted',
        attempt: {
          address: '192.0.2.10',
          ms: 80,
          ok: true,
          mechanism: 'AUTHENTICATE PLAIN',
          alerts: [alert],
          credentialsRejected: false,
        },
      },
    });
    const [f] = runChecks(context([e]), AUTH_CHECKS);
    expect(f?.code).toBe('AUTH_OK');
    expect(renderEntry('AUTH_OK', f?.params ?? {}, {}).explanation).toContain(`"${alert}"`);
  });

  it('on a login that never got its answer, with the BYE', () => {
    const f = one({ line: null, alerts: ['System maintenance at 02:00 UTC'], bye: 'Server shutting down' });
    expect(f.code).toBe('LOGIN_INCOMPLETE');
    const t = renderEntry(f.code, f.params, f.subject).explanation;
    expect(t).toContain('"System maintenance at 02:00 UTC"');
    expect(t).toContain('"* BYE Server shutting down"');
  });

  it('an [ALERT] that is not part of the tagged reply is added to it, one already in it is not repeated', () => {
    const greetingAlert = 'Filesystem notification initialization error -- contact your mail administrator';
    const f = one({
      line: 'a1 NO [ALERT] Too many simultaneous connections. (Failure)',
      alerts: ['Too many simultaneous connections. (Failure)', greetingAlert],
    });
    const t = renderEntry(f.code, f.params, f.subject).explanation;
    expect(t.split('Too many simultaneous connections. (Failure)')).toHaveLength(2);
    expect(t).toContain(`Server alert: "${greetingAlert}"`);
  });
});

describe('auth/withheld', () => {
  it('a token withheld from a server without XOAUTH2/OAUTHBEARER names the mechanisms and says "token"', () => {
    const e = endpoint(candidate(), { login: { state: 'withheld', reason: 'no-mechanism' } });
    const [f] = runChecks(context([e], { credentials: 'oauth' }), AUTH_CHECKS);
    expect(f?.code).toBe('AUTH_NO_COMMON_MECHANISM');
    expect(f?.params).toMatchObject({ oauth: true, mechanisms: ['PLAIN'] });
    expect(renderEntry('AUTH_NO_COMMON_MECHANISM', f?.params ?? {}, {}).title).toMatch(/with a token$/);
  });

  it('after an earlier refusal, the other endpoints say which server refused', () => {
    const refused = endpoint(candidate('imap.example.com', 993), {
      login: {
        state: 'attempted',
        attempt: {
          address: '192.0.2.10',
          ms: 80,
          ok: false,
          alerts: [],
          credentialsRejected: true,
          response: reply('a1 NO [AUTHENTICATIONFAILED] Authentication failed.'),
        },
      },
    });
    const held = endpoint(
      candidate('imap.example.com', 143, 'starttls'),
      { login: { state: 'withheld', reason: 'earlier-credential-failure' } },
      1,
    );
    const fs = runChecks(context([refused, held]), AUTH_CHECKS);
    const w = fs.find((f) => f.code === 'LOGIN_WITHHELD');
    expect(w?.params.firstEndpoint).toBe('imap.example.com:993');
  });

  it('when the refusing server is not in the evidence, no English stands in for it: the catalogue says "another server"', () => {
    const held = endpoint(candidate('imap.example.com', 143, 'starttls'), {
      login: { state: 'withheld', reason: 'earlier-credential-failure' },
    });
    const w = runChecks(context([held]), AUTH_CHECKS).find((f) => f.code === 'LOGIN_WITHHELD');
    expect(w?.params).not.toHaveProperty('firstEndpoint');
    expect(renderEntry('LOGIN_WITHHELD', w?.params ?? {}, {}).explanation).toContain(
      'another server already refused the login',
    );
  });
});

describe('the rule table', () => {
  it('names only catalogued codes, each with a code or a text to match', () => {
    for (const r of REFUSAL_RULES) {
      expect(Object.keys(CATALOGUE)).toContain(r.code);
      expect((r.codes?.length ?? 0) + (r.texts?.length ?? 0)).toBeGreaterThan(0);
    }
  });
});
