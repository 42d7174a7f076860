/** Catalogue: logging in and opening the inbox. */
import { hp, secLabel, str, type CatalogueEntry, type P } from './types.js';

const serverSaid = (p: P) => (p.response ? ` The server said: "${str(p.response)}".` : '');
const alerts = (p: P) => (Array.isArray(p.alerts) && p.alerts.length > 0 ? ` Server alert: "${p.alerts.join('" / "')}".` : '');

export const auth = {
  AUTH_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `Logged in to ${hp(p)} as ${str(p.user)}`,
    explain: (p) => `The server accepted the credentials (${str(p.mechanism, 'login')}) in ${str(p.ms)} ms.`,
    fix: () => [],
    example: { host: 'imap.example.com', port: 993, security: 'tls', user: 'alice@example.com', mechanism: 'AUTHENTICATE PLAIN', ms: 140 },
  },
  AUTH_FAILED: {
    severity: 'error',
    who: 'you',
    title: (p) => `${hp(p)} rejected the username or password`,
    explain: (p) =>
      `The server refused the login for "${str(p.user)}".${serverSaid(p)}${alerts(p)} ` +
      'Everything before the login works, so the settings are right; the credentials are not accepted.',
    fix: (p) => [
      'Check the password (and keyboard layout, caps lock).',
      `Check the username: many servers want the full address (${str(p.address ?? p.user)}), some only the part before @.`,
      'If your provider offers two-step sign-in, it may require an app password for mail apps.',
    ],
    refs: ['RFC 5530 §3'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', user: 'alice@example.com', response: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.', alerts: [] },
  },
  AUTH_TLS_REQUIRED: {
    severity: 'error',
    who: 'you',
    title: (p) => `${hp(p)} only allows login over an encrypted connection`,
    explain: (p) =>
      (p.loginDisabled
        ? 'The server announces LOGINDISABLED on this unencrypted connection: it will not take a password before TLS. '
        : `The server refused the login because the connection is not encrypted.${serverSaid(p)} `) + 'That is correct behaviour; the mail app\'s security setting is what is wrong.',
    fix: (p) => [`Use port 993 with SSL/TLS, or port ${p.port ?? 143} with STARTTLS, in your mail app.`],
    refs: ['RFC 9051 §6.2.3', 'RFC 5530 PRIVACYREQUIRED'],
    example: { host: 'imap.example.com', port: 143, security: 'plain', loginDisabled: true },
  },
  AUTH_NO_COMMON_MECHANISM: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} offers no way to log in with a ${p.oauth ? 'token' : 'password'}`,
    explain: (p) =>
      `Over TLS the server offers ${str(p.mechanisms, 'no authentication mechanisms')}${p.loginDisabled ? ' and forbids the LOGIN command (LOGINDISABLED)' : ''}. ` +
      (p.oauth ? 'None of them takes an OAuth token (XOAUTH2 or OAUTHBEARER).' : 'None of them takes a plain password (PLAIN, LOGIN).'),
    fix: (p) =>
      p.oauth
        ? ['Use a password or app password instead of a token, if the provider allows it.']
        : ['If the server only offers OAuth (XOAUTH2/OAUTHBEARER), use a mail app that signs in with OAuth.', 'Mail admin: allow PLAIN or LOGIN over TLS.'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', mechanisms: ['XOAUTH2'], loginDisabled: true, oauth: false },
  },
  AUTH_TEMPORARY_FAILURE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} could not check the login right now`,
    explain: (p) =>
      `The server answered with a temporary failure [UNAVAILABLE].${serverSaid(p)} Its user database or authentication backend is failing or overloaded; ` +
      'this is not a wrong password, and repeating the login will not help until the server recovers.',
    fix: () => ['Wait and try again later.', 'Mail admin: check the authentication backend (SQL/LDAP/passwd file) and the server log at the time of this test.'],
    refs: ['RFC 5530 UNAVAILABLE'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', response: 'a1 NO [UNAVAILABLE] Temporary authentication failure.' },
  },
  AUTH_REFUSED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} refused the login${p.code ? ` [${str(p.code)}]` : ''}`,
    explain: (p) => `The server did not accept the login, for a reason other than a wrong password.${serverSaid(p)}${alerts(p)}`,
    fix: () => ['Read the server\'s text above; if it names a setting or policy, that is what to change.', 'Mail admin: the server log explains the refusal.'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', code: 'CONTACTADMIN', response: 'a1 NO [CONTACTADMIN] Login not allowed.', alerts: [] },
  },
  LOGIN_INCOMPLETE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The login to ${hp(p)} did not complete`,
    explain: (p) => `The login connection failed before the server answered: ${str(p.error)}.`,
    fix: () => ['Try again; if it persists, the mail admin should check the server log at the time of this test.'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', error: 'no answer within the step timeout' },
  },
  LOGIN_WITHHELD: {
    severity: 'info',
    who: 'you',
    title: (p) => `The password was not sent to ${hp(p)}`,
    explain: (p) =>
      ({
        'no-tls': `This endpoint has no encryption (security ${secLabel(p.security)}); imap-doctor never sends a password in clear text.`,
        'tls-not-verified': "The server's certificate did not verify (see above), so the connection could belong to an impostor; imap-doctor only sends a password over verified TLS.",
        'starttls-injection': 'The STARTTLS exchange was tampered with (see above), so the password was not risked on this connection.',
        'untrusted-host': `This server name came from a source that cannot be trusted (${str(p.sources)}), and ${str(p.host)} is not in your address's domain. Sending your password there could hand it to a stranger.`,
        'earlier-credential-failure': `${str(p.firstEndpoint)} already rejected the password; trying it on more servers could lock the account.`,
        deadline: 'The run reached its deadline before the login.',
        'login-disabled': 'The server forbids the LOGIN command here.',
      } as Record<string, string>)[str(p.reason)] ?? `Reason: ${str(p.reason)}.`,
    fix: (p) =>
      p.reason === 'untrusted-host'
        ? [`If you know ${str(p.host)} is your provider's server, run again with \`--trust-host ${str(p.host)}\` (or \`--host ${str(p.host)}\`).`]
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
          : 'No password was given (IMAP_DOCTOR_PASSWORD, --password-stdin or the prompt), so only what happens before the login was checked.',
    fix: () => ['To test the login, set IMAP_DOCTOR_PASSWORD, pipe the password with --password-stdin, or run in a terminal to be asked for it.'],
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
    explain: (p) => `After a successful login, opening INBOX read-only failed: ${str(p.error)}. The account exists but its mailbox is broken, locked or not permitted.`,
    fix: () => ['Mail admin: check the mailbox storage, its permissions and quota, and the server log.'],
    refs: ['RFC 5530 NOPERM/NONEXISTENT/CORRUPTION'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', error: 'a4 NO [NOPERM] Permission denied' },
  },
} satisfies Record<string, CatalogueEntry>;
