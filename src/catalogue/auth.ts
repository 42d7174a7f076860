/**
 * Catalogue: logging in and opening the inbox. Every refusal shows the server's own words ([ALERT]
 * texts verbatim); advice that rests on recognising the provider says "likely" and names the
 * evidence. Provider facts (app-password pages, IMAP switches, OAuth scopes) arrive as params,
 * filled from src/knowledge with their sources in `finding.knowledge`; this file never reads the
 * knowledge base itself.
 */
import { hp, str, type CatalogueEntry, type P } from './types.js';
import { WITHHELD_REASON } from './labels.js';
import {
  adminFix,
  anAppPassword,
  appPasswordAt,
  CAUSES,
  causesOf,
  imapSwitchFix,
  list,
  provName,
  recognised,
  twoStepFirst,
} from './provider-words.js';

/** The tagged reply, the [ALERT] texts it does not already contain, and a BYE that followed. */
function serverWords(p: P): string {
  const said = str(p.response);
  const out: string[] = [];
  if (said) out.push(` The server said: "${said}".`);
  const alerts = list(p.alerts).filter((a) => !said.includes(a));
  if (alerts.length > 0) out.push(` Server alert: "${alerts.join('" / "')}".`);
  if (p.bye) out.push(` Then it closed the connection: "* BYE ${str(p.bye)}".`);
  return out.join('');
}

/** The provider identity in examples; docs and `explain` add that provider's facts and sources (src/knowledge). */
const GOOGLE = { provider: 'Google (Gmail / Google Workspace)', providerId: 'google', providerBrand: 'gmail' };
const MICROSOFT = { provider: 'Microsoft (Outlook.com / Microsoft 365)', providerId: 'microsoft' };

/** LOGINDISABLED and no mechanism at all over verified TLS (RFC 9051 §6.2.3): the server thinks the connection is not encrypted. */
const proxiedTls = (p: P): boolean =>
  p.loginDisabled === true && list(p.mechanisms).length === 0 && p.security !== 'plain';

export const auth = {
  AUTH_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `Logged in to ${hp(p)} as ${str(p.user)}`,
    explain: (p) =>
      `The server accepted the credentials (${str(p.mechanism, 'login')}) in ${str(p.ms)} ms.${serverWords(p)}`,
    fix: () => [],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      user: 'alice@example.com',
      mechanism: 'AUTHENTICATE PLAIN',
      ms: 140,
    },
  },
  AUTH_FAILED: {
    severity: 'error',
    who: 'you',
    title: (p) => {
      const first = causesOf(p)[0] ?? 'password-typo';
      return p.provider && first !== 'password-typo'
        ? `${hp(p)} refused the login; most likely ${CAUSES[first].short(p)}`
        : `${hp(p)} rejected the username or password`;
    },
    explain: (p) => {
      const causes = causesOf(p).map((c, i) => `${i + 1}. ${CAUSES[c].why(p)}`);
      return (
        `The server refused the login for "${str(p.user)}".${serverWords(p)} ` +
        'Everything before the login works, so the server settings are right; the credentials were not accepted. ' +
        (p.provider
          ? `The server was ${recognised(p)}.${p.providerPolicy ? ` ${str(p.providerPolicy)}` : ''} So these are the likely causes, most likely first: `
          : 'Likely causes, most likely first: ') +
        `${causes.join('; ')}.`
      );
    },
    fix: (p) => causesOf(p).map((c) => CAUSES[c].fix(p)),
    refs: ['RFC 5530 §3 AUTHENTICATIONFAILED'],
    example: {
      host: 'imap.gmail.com',
      port: 993,
      security: 'tls',
      user: 'alice@gmail.com',
      response: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)',
      alerts: [],
      likelyCauses: ['app-password', 'app-password-revoked', 'admin-policy', 'password-typo'],
      ...GOOGLE,
      providerVia: 'host',
      providerEvidence: 'imap.gmail.com',
    },
  },
  AUTH_APP_PASSWORD_REQUIRED: {
    severity: 'error',
    who: 'you',
    title: (p) => `${provName(p)} wants ${anAppPassword(p)}, not your normal password`,
    explain: (p) =>
      `The server refused your normal password and said why.${serverWords(p)} ` +
      (p.appPasswordNeeds2fa === false
        ? `${provName(p)} does not accept the normal account password in mail apps; they must use ${anAppPassword(p)} (a separate password made for mail apps) instead.`
        : `Two-step verification is on for this account, so mail apps must use ${anAppPassword(p)} (a separate password made for one app) instead.`) +
      `${p.providerPolicy ? ` ${str(p.providerPolicy)}` : ''} Your normal password is most likely right; it is just not accepted here.`,
    fix: (p) => [
      `Create ${anAppPassword(p)}${appPasswordAt(p)}${twoStepFirst(p)} and type it into the mail app instead of your normal password (without spaces).`,
      // OAuth and the admin switch are offered only where the provider takes OAuth (or none was recognised).
      ...(!p.providerId || p.neededScope
        ? [
            "Or use a mail app that signs in through the provider's own sign-in page (OAuth); it needs no app password.",
            'If app passwords are not offered: a work or school admin may have turned them off (or Advanced Protection is on); then only OAuth sign-in works.',
          ]
        : []),
    ],
    example: {
      host: 'imap.gmail.com',
      port: 993,
      security: 'tls',
      response:
        'a1 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)',
      alerts: ['Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)'],
      ...GOOGLE,
      providerVia: 'greeting',
      providerEvidence: '* OK Gimap ready for requests from 192.0.2.1 abc123',
    },
  },
  AUTH_WEB_LOGIN_REQUIRED: {
    severity: 'error',
    who: 'you',
    title: (p) => `${provName(p)} blocked this sign-in until you confirm it in a web browser`,
    explain: (p) =>
      `The server refused the login and asks you to sign in through its website first.${serverWords(p)} ` +
      'Its security checks did not trust this attempt: a new place or device, a VPN or data-centre address, or a password-only sign-in it no longer allows.',
    fix: (p) => [
      'Sign in to your webmail in a browser on this computer and network, and confirm any "Was this you?" security alert.',
      'If you connect through a VPN or from a server, try once from your usual network.',
      `Then use ${anAppPassword(p)}${appPasswordAt(p)} or OAuth sign-in in the mail app.`,
    ],
    example: {
      host: 'imap.gmail.com',
      port: 993,
      security: 'tls',
      response:
        'a1 NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)',
      alerts: ['Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)'],
      ...GOOGLE,
      providerVia: 'host',
      providerEvidence: 'imap.gmail.com',
    },
  },
  AUTH_OAUTH_REQUIRED: {
    severity: 'error',
    who: 'you',
    title: (p) =>
      p.inferred
        ? `${provName(p)} most likely refuses passwords here; it needs OAuth sign-in`
        : `${provName(p, hp(p))} does not accept passwords here; it needs OAuth sign-in`,
    explain: (p) =>
      p.inferred
        ? `The server refused the password login without giving a reason.${serverWords(p)} It was ${recognised(p)}. ` +
          `${p.providerPolicy ? str(p.providerPolicy) : `${provName(p)} has switched password ("basic") sign-in off for IMAP.`} So the password itself is most likely not the problem: no password would work.`
        : `The server refused password sign-in as such.${serverWords(p)} Only OAuth 2 sign-in (XOAUTH2 or OAUTHBEARER) works on this server.`,
    fix: (p) => [
      `Use a mail app that signs in with ${provName(p, 'the provider')} (OAuth 2), such as Outlook, Thunderbird or Apple Mail.`,
      `For scripts: get an OAuth 2 access token${p.neededScope ? ` with the scope ${str(p.neededScope)}` : ''} and test it with IMAP_DOCTOR_OAUTH_TOKEN=<token> imap-doctor ${str(p.user, '<address>')}.`,
      ...(p.imapSwitch ? [imapSwitchFix(p)] : []),
    ],
    refs: ['RFC 7628 (OAUTHBEARER)'],
    example: {
      host: 'outlook.office365.com',
      port: 993,
      security: 'tls',
      user: 'alice@contoso.com',
      response: 'a1 NO LOGIN failed.',
      alerts: [],
      inferred: true,
      ...MICROSOFT,
      providerVia: 'host',
      providerEvidence: 'outlook.office365.com',
    },
  },
  AUTH_OAUTH_TOKEN_REJECTED: {
    severity: 'error',
    who: 'you',
    title: (p) => `${hp(p)} rejected the OAuth token for ${str(p.user)}`,
    explain: (p) => {
      const details = [
        p.oauthStatus ? `status ${str(p.oauthStatus)}` : '',
        p.oauthScope ? `scope ${str(p.oauthScope)}` : '',
        p.oauthSchemes ? `schemes ${str(p.oauthSchemes)}` : '',
      ]
        .filter((s) => s.length > 0)
        .join(', ');
      const need = p.neededScope ? str(p.neededScope) : undefined;
      return (
        `The server refused the ${str(p.mechanism, 'OAuth')} sign-in.${serverWords(p)}${details ? ` Its error details: ${details}.` : ''} ` +
        'A token is accepted when it is still valid, carries the mail scope and belongs to the same account as the username, so the likely causes are: ' +
        `the token has expired (access tokens last about an hour)${p.oauthStatus === '401' ? ', which is what status 401 usually means,' : ''} or was revoked; ` +
        `it was issued without the IMAP scope${need ? ` (${provName(p)} needs ${need})` : ''}; or it belongs to another account than ${str(p.user)}.`
      );
    },
    fix: (p) => [
      'Get a fresh access token (with the refresh token, or by signing in again) and run the test again.',
      `Ask for the IMAP scope when the user consents${p.neededScope ? `: ${str(p.neededScope)}` : ''}.`,
      `Make sure the token was issued for ${str(p.user)}; the username must be the same account.`,
    ],
    refs: ['RFC 7628 §3.2.2', 'RFC 6750 §3.1'],
    example: {
      host: 'imap.gmail.com',
      port: 993,
      security: 'tls',
      user: 'alice@gmail.com',
      mechanism: 'AUTHENTICATE XOAUTH2',
      response: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)',
      alerts: [],
      oauthStatus: '401',
      oauthScope: 'https://mail.google.com/',
      oauthSchemes: 'bearer',
      ...GOOGLE,
      providerVia: 'host',
      providerEvidence: 'imap.gmail.com',
    },
  },
  IMAP_DISABLED_BY_USER_SETTING: {
    severity: 'error',
    who: 'you',
    title: (p) =>
      p.imapAlwaysOn
        ? `${provName(p)} says IMAP is not enabled for this account`
        : `IMAP access is switched off in your ${p.provider ? `${provName(p)} ` : ''}account settings`,
    explain: (p) =>
      `The server refused the login because IMAP is not enabled for this account.${serverWords(p)} The password may well be right; the account just does not let mail apps in yet.` +
      (p.imapAlwaysOn
        ? ` ${str(p.imapAlwaysOn)} So the switch this text asks for no longer exists for personal accounts; for a work or school account the organisation's admin controls IMAP.`
        : ''),
    fix: (p) =>
      p.imapAlwaysOn
        ? [imapSwitchFix(p)]
        : [imapSwitchFix(p), 'Wait a few minutes after switching it on, then run the test again.'],
    example: {
      host: 'imap.zoho.com',
      port: 993,
      security: 'tls',
      response:
        'a1 NO [ALERT] You are yet to enable IMAP for your account. Please contact your administrator (Failure)',
      alerts: ['You are yet to enable IMAP for your account. Please contact your administrator (Failure)'],
      provider: 'Zoho Mail (US data centre, zoho.com)',
      providerId: 'zoho',
      providerBrand: 'zoho-com',
      providerVia: 'host',
      providerEvidence: 'imap.zoho.com',
    },
  },
  IMAP_DISABLED_BY_ADMIN: {
    severity: 'error',
    who: 'mail-admin',
    title: () => 'An administrator has blocked IMAP logins for this account',
    explain: (p) =>
      `The server refused the login for a reason only an administrator can change${p.code === 'CONTACTADMIN' ? ' ([CONTACTADMIN] means "contact your administrator")' : ''}.${serverWords(p)} ` +
      'A new password or other app settings will not help.',
    fix: (p) => [
      "Ask your mail admin (for a work or school account: its IT department) to allow IMAP for your account, quoting the server's words above.",
      adminFix(p) ??
        'Mail admin: the account is disabled or barred from logging in (Dovecot: a nologin or deny passdb entry); the server log names the rule.',
    ],
    refs: ['RFC 5530 CONTACTADMIN'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      code: 'CONTACTADMIN',
      response: 'a1 NO [CONTACTADMIN] Login not allowed.',
      alerts: [],
    },
  },
  AUTH_PASSWORD_EXPIRED: {
    severity: 'error',
    who: 'you',
    title: (p) => `The password for ${str(p.user, 'this account')} has expired`,
    explain: (p) =>
      `The server refused the login because the password has expired${p.code === 'EXPIRED' ? ' ([EXPIRED])' : ''}.${serverWords(p)} The password was probably right, but it must be changed before it works again.`,
    fix: () => [
      "Change the password in your webmail or on your organisation's password page, then use the new one in every mail app.",
      'If you cannot change it yourself, ask your mail admin to reset it.',
    ],
    refs: ['RFC 5530 EXPIRED'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      user: 'alice@example.com',
      code: 'EXPIRED',
      response: 'a1 NO [EXPIRED] Password expired.',
      alerts: [],
    },
  },
  CONN_LIMIT_EXCEEDED: {
    severity: 'error',
    who: 'you',
    title: () => 'Too many connections to this mailbox are open at once',
    explain: (p) =>
      `The server refused the login because a connection limit was reached${p.limit !== undefined ? ` (${p.setting ? `${str(p.setting)}=` : 'limit '}${str(p.limit)})` : ''}.${serverWords(p)} ` +
      'This is not a wrong password. ' +
      (p.setting === 'mail_max_userip_connections'
        ? 'The server counts connections per user and IP address, so every device behind the same router, and webmail, share that limit.'
        : 'Every app and device connected to the mailbox counts, phones and tablets included.'),
    fix: (p) => [
      'Close the mail apps on other devices (or lower how many connections your mail app opens per account), wait a few minutes and try again.',
      p.setting
        ? `Mail admin: raise ${str(p.setting)} (now ${str(p.limit)}) if many people or devices share one IP address.`
        : 'Mail admin: check the per-user connection limit.',
    ],
    refs: ['RFC 5530 LIMIT'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      code: 'UNAVAILABLE',
      response:
        'a1 NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)',
      alerts: [],
      setting: 'mail_max_userip_connections',
      limit: 10,
    },
  },
  ACCOUNT_LOCKED_OR_RATE_LIMITED: {
    severity: 'error',
    who: 'mail-admin',
    title: () => 'The account is locked or temporarily blocked',
    explain: (p) =>
      `The server refused the login because the account (or your IP address) is locked or blocked.${serverWords(p)} ` +
      'While the lock lasts no password gets in, so this is not simply a wrong password. Locks usually follow many failed logins, often from an old device still trying an old password.',
    fix: () => [
      'Stop every app and device that still uses an old password (phones, tablets, other computers), wait (temporary locks usually end within an hour) and try once.',
      'If the message says an administrator locked the account, ask your mail admin to unlock it.',
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      code: 'ALERT',
      response: 'a1 NO [ALERT] Your account has been locked by the administrator.',
      alerts: ['Your account has been locked by the administrator.'],
    },
  },
  AUTH_MAILBOX_NOT_CONNECTED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} accepted the sign-in but could not open the mailbox`,
    explain: (p) =>
      `The credentials were accepted, then the server failed the first command after the login.${serverWords(p)} ` +
      (p.oauth
        ? 'With OAuth this mostly means the token belongs to a different user than the mailbox asked for, or an app-only token has no permission on the mailbox.'
        : 'Microsoft answers this way when IMAP is disabled for the mailbox or the mailbox is addressed wrongly (a shared mailbox, say).'),
    fix: (p) => [
      ...(p.oauth ? [`Use the same account for the token and as the IMAP username (${str(p.user)}).`] : []),
      'App-only (client-credentials) tokens: grant IMAP.AccessAsApp, register the service principal in Exchange and give it permission on this mailbox.',
      'Microsoft 365 admin: enable IMAP for the mailbox (Exchange admin center → Recipients → Mailboxes → Email apps).',
    ],
    example: {
      host: 'outlook.office365.com',
      port: 993,
      security: 'tls',
      user: 'alice@contoso.com',
      response: 'a3 BAD User is authenticated but not connected.',
      alerts: [],
      oauth: true,
      ...MICROSOFT,
      providerVia: 'greeting',
      providerEvidence:
        '* OK The Microsoft Exchange IMAP4 service is ready. [TQBXADIAUABSADAAMgBDAEEAMAAwADEAMgAuAGUAdQByAHAAcgBkADAAMgAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]',
    },
  },
  AUTH_TLS_REQUIRED: {
    severity: 'error',
    who: 'you',
    title: (p) => `${hp(p)} only allows login over an encrypted connection`,
    explain: (p) =>
      (p.loginDisabled
        ? 'The server announces LOGINDISABLED on this unencrypted connection: it will not take a password before TLS. '
        : `The server refused the login because it considers the connection unencrypted.${serverWords(p)} `) +
      "That is correct behaviour; the mail app's security setting is what is wrong.",
    fix: (p) => [`Use port 993 with SSL/TLS, or port ${p.port ?? 143} with STARTTLS, in your mail app.`],
    refs: ['RFC 9051 §6.2.3', 'RFC 5530 PRIVACYREQUIRED'],
    example: { host: 'imap.example.com', port: 143, security: 'plain', loginDisabled: true },
  },
  AUTH_NO_COMMON_MECHANISM: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} offers no way to log in with a ${p.oauth ? 'token' : 'password'}`,
    explain: (p) =>
      `Over TLS the server offers ${list(p.mechanisms).length > 0 ? list(p.mechanisms).join(', ') : 'no authentication mechanism'}${p.loginDisabled ? ' and forbids the LOGIN command (LOGINDISABLED)' : ''}. ` +
      (p.oauth
        ? 'None of them takes an OAuth token (XOAUTH2 or OAUTHBEARER).'
        : 'None of them takes a plain password (PLAIN, LOGIN).') +
      (proxiedTls(p)
        ? ' LOGINDISABLED inside TLS usually means the IMAP server does not see the encryption: a TLS proxy or load balancer in front of it passes the connection on unencrypted, so the server treats it as plain text.'
        : ''),
    fix: (p) =>
      p.oauth
        ? ['Use a password or app password instead of a token, if the provider allows it.']
        : [
            'If the server only offers OAuth (XOAUTH2/OAUTHBEARER), use a mail app that signs in with OAuth.',
            ...(proxiedTls(p)
              ? [
                  'Mail admin: let the IMAP server do TLS itself, or make it trust the proxy (Dovecot: add the proxy to login_trusted_networks, or use the HAProxy protocol).',
                ]
              : ['Mail admin: allow PLAIN or LOGIN over TLS.']),
          ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      mechanisms: ['XOAUTH2'],
      loginDisabled: true,
      oauth: false,
    },
  },
  AUTH_TEMPORARY_FAILURE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} could not check the login right now`,
    explain: (p) =>
      `The server answered with a temporary failure${p.code === 'UNAVAILABLE' ? ' [UNAVAILABLE]' : ''}.${serverWords(p)} Its user database or authentication backend is failing or overloaded; ` +
      'this is not a wrong password, and repeating the login will not help until the server recovers.',
    fix: () => [
      'Wait and try again later.',
      'Mail admin: check the authentication backend (SQL/LDAP/passwd file) and the server log at the time of this test.',
    ],
    refs: ['RFC 5530 UNAVAILABLE'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      code: 'UNAVAILABLE',
      response: 'a1 NO [UNAVAILABLE] Temporary authentication failure.',
      alerts: [],
    },
  },
  AUTH_REFUSED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} refused the login${p.code ? ` [${str(p.code)}]` : ''}`,
    explain: (p) => `The server did not accept the login, for a reason other than a wrong password.${serverWords(p)}`,
    fix: () => [
      "Read the server's words above; if they name a setting or policy, that is what to change.",
      'Mail admin: the server log explains the refusal.',
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      code: 'AUTHORIZATIONFAILED',
      response: 'a1 NO [AUTHORIZATIONFAILED] Authorization failed',
      alerts: [],
    },
  },
  LOGIN_INCOMPLETE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The login to ${hp(p)} did not complete`,
    explain: (p) => `The login connection failed before the server answered: ${str(p.error)}.${serverWords(p)}`,
    fix: () => ['Try again; if it persists, the mail admin should check the server log at the time of this test.'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', error: 'no answer within the step timeout' },
  },
  LOGIN_WITHHELD: {
    severity: 'info',
    who: 'you',
    title: (p) => `The ${p.oauth ? 'token' : 'password'} was not sent to ${hp(p)}`,
    explain: (p) =>
      (WITHHELD_REASON as Record<string, { explain?: (p: P) => string } | undefined>)[str(p.reason)]?.explain?.(p) ??
      `Reason: ${str(p.reason)}.`,
    fix: (p) =>
      p.reason === 'untrusted-host'
        ? [
            `If you know ${str(p.host)} is your provider's server, run again with \`--trust-host ${str(p.host)}\` (or \`--host ${str(p.host)}\`).`,
          ]
        : p.reason === 'no-tls'
          ? ['Use port 993 with SSL/TLS or STARTTLS on 143.']
          : [],
    example: { host: 'imap.example.com', port: 993, security: 'tls', reason: 'tls-not-verified' },
  },
  LOGIN_NOT_TESTED: {
    severity: 'info',
    who: 'you',
    title: () => 'The login was not tested',
    explain: (p) =>
      p.reason === 'disabled'
        ? 'You asked for --no-login, so only what happens before the login was checked.'
        : p.reason === 'empty-password'
          ? 'The password prompt was left empty, so only what happens before the login was checked.'
          : p.reason === 'batch'
            ? 'A batch (--batch) logs in only with the passwords of --credentials-file, and none was given for this address, so only what happens before the login was checked.'
            : 'No password was given (IMAP_DOCTOR_PASSWORD, --password-stdin or the prompt), so only what happens before the login was checked.',
    fix: (p) => [
      p.reason === 'batch'
        ? 'To test the logins of a batch, add --credentials-file <path>: one line per account, the address, a tab and the password, in a file only you can read (chmod 600).'
        : 'To test the login, set IMAP_DOCTOR_PASSWORD, pipe the password with --password-stdin, or run in a terminal to be asked for it; to test an OAuth 2 access token instead, set IMAP_DOCTOR_OAUTH_TOKEN.',
    ],
    example: { reason: 'no-password' },
  },
  INBOX_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `The inbox opens (${str(p.exists)} messages)`,
    explain: () => 'INBOX was opened read-only (EXAMINE); nothing was changed.',
    fix: () => [],
    example: { host: 'imap.example.com', port: 993, security: 'tls', exists: 42 },
  },
  INBOX_NOT_ACCESSIBLE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `Login works on ${hp(p)} but the inbox cannot be opened`,
    explain: (p) =>
      `After a successful login, opening INBOX read-only failed: ${str(p.error)}. The account exists but its mailbox is broken, locked or not permitted.`,
    fix: () => ['Mail admin: check the mailbox storage, its permissions and quota, and the server log.'],
    refs: ['RFC 5530 NOPERM/NONEXISTENT/CORRUPTION'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', error: 'a4 NO [NOPERM] Permission denied' },
  },
} satisfies Record<string, CatalogueEntry>;
