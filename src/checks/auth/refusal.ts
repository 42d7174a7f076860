/**
 * Why did the server refuse the login? An ordered rule table over the server's words: the RFC 5530
 * response code of the tagged reply, its text, the [ALERT] texts (RFC 9051 §7.1) and a BYE that
 * followed (§7.1.5). The first rule that matches wins, so the order is the precedence of
 * pain-points §6: provider-specific and limit texts beat a bare credential failure, and an
 * [UNAVAILABLE] or limit text is never reported as a bad password. Pure; no prose.
 */
import type { FindingCode, Params } from '../../catalogue/index.js';
import type { FindingKnowledge, LoginCause } from '../../model/advice.js';
import type { LoginAttempt } from '../../model/evidence.js';
import { LOCK_TEXTS } from '../../model/reading.js';
import { identifiedByServer, loginCauses, type ProviderMatch } from '../../knowledge/providers.js';
import { providerFacts } from './provider.js';

interface Rule {
  code: FindingCode;
  /** RFC 5530 response codes (upper case) that decide on their own. */
  codes?: readonly string[];
  /** Texts (tagged text, [ALERT]s, BYE) that decide whatever the response code. */
  texts?: readonly RegExp[];
}

/** Ordered: the first match wins. Sources: pain-points §1.2–1.12 (verbatim server texts). */
export const REFUSAL_RULES: readonly Rule[] = [
  // §1.4 Microsoft 365: the credentials passed, the mailbox session did not (first command after login).
  { code: 'AUTH_MAILBOX_NOT_CONNECTED', texts: [/authenticated but not connected/i] },
  // RFC 5530 LIMIT; Gmail "Too many simultaneous connections", Dovecot mail_max_userip_connections (sent as [UNAVAILABLE]).
  {
    code: 'CONN_LIMIT_EXCEEDED',
    codes: ['LIMIT'],
    texts: [
      /too many (simultaneous |concurrent |parallel |open )?connections/i,
      /maximum number of (simultaneous |concurrent )?connections/i,
      /connection limit/i,
      /max_userip_connections/i,
    ],
  },
  // RFC 5530 CONTACTADMIN (Dovecot: nologin / login not allowed); Gmail Workspace; Zoho organisation policy.
  {
    code: 'IMAP_DISABLED_BY_ADMIN',
    codes: ['CONTACTADMIN'],
    texts: [
      /IMAP access is disabled for your domain/i,
      /IMAP (access )?(has been |is )?(disabled|blocked|restricted|not allowed) by (your )?(organi[sz]ation|administrator|admin)/i,
      /organi[sz]ation('s)? (policy|restrictions?|settings?)[^.]{0,60}\bIMAP\b|\bIMAP\b[^.]{0,60}organi[sz]ation('s)? (policy|restrictions?|settings?)/i,
    ],
  },
  // RFC 5530 EXPIRED.
  { code: 'AUTH_PASSWORD_EXPIRED', codes: ['EXPIRED'], texts: [/password (has )?expired/i, /expired password/i] },
  // RFC 5530 PRIVACYREQUIRED: the server thinks the connection is not encrypted.
  { code: 'AUTH_TLS_REQUIRED', codes: ['PRIVACYREQUIRED'] },
  // Gmail "not enabled for IMAP use", Zoho "yet to enable IMAP".
  {
    code: 'IMAP_DISABLED_BY_USER_SETTING',
    texts: [
      /not enabled for IMAP/i,
      /yet to enable IMAP/i,
      /IMAP (access )?is (disabled|turned off|switched off|not enabled) for (your|this) account/i,
    ],
  },
  // Gmail risk check: "Please log in via your web browser", older [WEBALERT <url>] Web login required.
  {
    code: 'AUTH_WEB_LOGIN_REQUIRED',
    codes: ['WEBALERT'],
    texts: [/log ?in via your web browser/i, /web login required/i],
  },
  // Gmail "Application-specific password required"; Mail.ru "NEOBHODIM parol prilozheniya … / Aplication password is REQUIRED"
  // (sic, thunderbird-android#9069); QQ Mail "Please using authorized code to login" (pandolia/qqbot#139).
  {
    code: 'AUTH_APP_PASSWORD_REQUIRED',
    texts: [
      /application-specific password/i,
      /app(lication)?[ -]specific password/i,
      /app password (is )?required/i,
      /ap?plication password (is )?required/i,
      /parol prilozheniya/i,
      /authori[sz](ed|ation) code/i,
    ],
  },
  // Microsoft personal accounts: "Basic authentication is disabled." (then BYE).
  { code: 'AUTH_OAUTH_REQUIRED', texts: [/basic auth(entication)? is (disabled|not (supported|allowed)|blocked)/i] },
  // Lockouts and rate limits (Dovecot passdb reason as [ALERT], fail2ban-style texts).
  {
    code: 'ACCOUNT_LOCKED_OR_RATE_LIMITED',
    texts: LOCK_TEXTS,
  },
  // RFC 5530 UNAVAILABLE; Dovecot "Temporary authentication failure", Exchange "Server Unavailable. 15", Gmail "System Error".
  {
    code: 'AUTH_TEMPORARY_FAILURE',
    codes: ['UNAVAILABLE'],
    texts: [
      /temporary (authentication )?failure/i,
      /server unavailable/i,
      /temporarily unavailable/i,
      /try again later/i,
      /\bSystem Error\b/i,
    ],
  },
];

/** What an [ALERT] or a code-less refusal says when it is about the credentials. */
const CREDENTIAL_TEXT =
  /invalid credentials|authentication failed|incorrect (username|user name|password)|log ?in failed|wrong password|bad password|invalid[ _](user(name)?|login|password|token)|token (is )?(invalid|expired|revoked)/i;

export interface RefusalInput {
  attempt: LoginAttempt;
  /** The login used an OAuth token, not a password. */
  oauth: boolean;
  provider?: ProviderMatch;
}

export interface Explained {
  code: FindingCode;
  params: Params;
  /** The provider knowledge the advice rests on, when a provider was recognised. */
  knowledge?: FindingKnowledge;
}

/** The refusal's texts: with only the secret masked (refusalTexts) when the report's copies are hidden whole. */
function words(at: LoginAttempt): string[] {
  return (at.refusalTexts ?? [at.response?.text ?? '', ...at.alerts, at.bye ?? '']).filter((s) => s.length > 0);
}

function matchRule(at: LoginAttempt): Rule | undefined {
  const code = at.response?.code;
  const texts = words(at);
  return REFUSAL_RULES.find(
    (r) => (code !== undefined && r.codes?.includes(code)) || r.texts?.some((re) => texts.some((t) => re.test(t))),
  );
}

/** `(mail_max_userip_connections=10)` → the setting and its value, as Dovecot prints them. */
function limitOf(at: LoginAttempt): Params {
  for (const t of words(at)) {
    const m = /\(([a-z_]+)=(\d+)\)/.exec(t);
    if (m) return { setting: m[1] ?? '', limit: Number(m[2]) };
  }
  return {};
}

function oauthParams(at: LoginAttempt): Params {
  const e = at.oauthError ?? {};
  return {
    ...(e.status ? { oauthStatus: e.status } : {}),
    ...(e.scope ? { oauthScope: e.scope } : {}),
    ...(e.schemes ? { oauthSchemes: e.schemes } : {}),
  };
}

/** The code and its own params for a refusal, before provider facts are added. */
function classify(input: RefusalInput, params: Params): Explained | undefined {
  const { attempt: at, oauth, provider } = input;
  const r = at.response;
  const rule = matchRule(at);
  if (rule) {
    switch (rule.code) {
      case 'CONN_LIMIT_EXCEEDED':
        return { code: rule.code, params: { ...params, ...limitOf(at) } };
      case 'AUTH_TLS_REQUIRED':
        return { code: rule.code, params: { ...params, loginDisabled: false } };
      case 'AUTH_OAUTH_REQUIRED':
        return { code: rule.code, params: { ...params, inferred: false } };
      case 'AUTH_MAILBOX_NOT_CONNECTED':
        return { code: rule.code, params: { ...params, oauth } };
      default:
        return { code: rule.code, params };
    }
  }
  if (!r) return undefined;
  const aboutCredentials =
    r.status === 'NO' &&
    (r.code === 'AUTHENTICATIONFAILED' ||
      r.code === undefined ||
      (r.code === 'ALERT' && words(at).some((t) => CREDENTIAL_TEXT.test(t))));
  if (oauth && (aboutCredentials || at.oauthError))
    return { code: 'AUTH_OAUTH_TOKEN_REJECTED', params: { ...params, ...oauthParams(at) } };
  if (!aboutCredentials) return { code: 'AUTH_REFUSED', params };
  const causes = loginCauses(provider);
  // A provider that takes no password at all, recognised by the server itself: "wrong password" would mislead (pain-points §0.3, §3 #23).
  if (!oauth && provider && identifiedByServer(provider) && causes[0] === 'oauth-only')
    return { code: 'AUTH_OAUTH_REQUIRED', params: { ...params, inferred: true } };
  return { code: 'AUTH_FAILED', params: { ...params, likelyCauses: causes } };
}

/**
 * The finding for a login the server did not accept, or undefined when the server never answered
 * it (no tagged reply and no BYE that explains it). A recognised provider adds the facts the
 * finding's advice uses, and the sources they rest on.
 */
export function explainRefusal(input: RefusalInput, base: Params): Explained | undefined {
  const { attempt: at } = input;
  const r = at.response;
  const params: Params = {
    ...base,
    ...(r ? { response: r.line, status: r.status, ...(r.code ? { code: r.code } : {}) } : {}),
    ...(at.bye ? { bye: at.bye } : {}),
  };
  const out = classify(input, params);
  if (!out || !input.provider) return out;
  const causes = Array.isArray(out.params.likelyCauses) ? (out.params.likelyCauses as LoginCause[]) : [];
  const facts = providerFacts(input.provider, out.code, causes);
  return {
    code: out.code,
    params: { ...out.params, ...facts.params },
    ...(facts.knowledge ? { knowledge: facts.knowledge } : {}),
  };
}
