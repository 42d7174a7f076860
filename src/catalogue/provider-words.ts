/**
 * Catalogue words for provider advice: the likely causes of a refused login and the sentences that
 * name a provider's pages and switches. Every provider fact arrives as a param (src/knowledge fills
 * them, each backed by a source in `finding.knowledge`); without one the text stays generic, so no
 * sentence here states a provider rule of its own.
 */
import type { LoginCause } from '../model/advice.js';
import { str, type P, type ParamValue } from './types.js';

export const list = (v: ParamValue | undefined): string[] => (Array.isArray(v) ? v : []);

/** The provider's name for sentences: "Google (Gmail / Google Workspace)" → "Google". */
export const provName = (p: P, fallback = 'The provider'): string =>
  p.provider ? str(p.provider).replace(/\s*\([^)]*\)\s*$/, '') : fallback;

const VIA: Record<string, (ev: string) => string> = {
  host: (ev) => `its host name ${ev}`,
  greeting: (ev) => `its greeting "${ev}"`,
  capability: (ev) => `its capability ${ev}`,
  mx: (ev) => `your domain's MX record ${ev}`,
  domain: (ev) => `your address's domain ${ev}`,
};

/** "recognised as Google … from its host name imap.gmail.com" — the evidence behind provider advice. */
export function recognised(p: P): string {
  const via = VIA[str(p.providerVia)];
  return `recognised as ${str(p.provider)} from ${via ? via(str(p.providerEvidence)) : 'what it sent'}`;
}

/** What the provider calls its app password: "app password", "authorization code (授权码)", … */
export const appPasswordTerm = (p: P): string => str(p.appPasswordName, 'app password');

/** "an app password", "a Bridge password". */
export const anAppPassword = (p: P): string =>
  `${/^[aeiou]/i.test(appPasswordTerm(p)) ? 'an' : 'a'} ${appPasswordTerm(p)}`;

/** " at https://…" for a page, " in Settings → …" for a path, or the generic place. */
export const appPasswordAt = (p: P): string => {
  const at = str(p.appPasswordAt);
  if (!at) return " in your account's security settings";
  return /^https?:\/\//.test(at) ? ` at ${at}` : ` in ${at}`;
};

/** The two-step clause, only where the provider's own page says app passwords need it. */
export const twoStepFirst = (p: P): string =>
  p.appPasswordNeeds2fa === true ? ' (it needs two-step verification switched on first)' : '';

export const imapSwitchFix = (p: P): string => {
  if (p.imapSwitch) return `Switch IMAP access on: ${str(p.imapSwitch)}.`;
  if (p.imapAlwaysOn)
    return `${str(p.imapAlwaysOn)} For a work or school account the organisation's admin controls IMAP${p.adminImap ? `: ${str(p.adminImap)}` : ''}.`;
  return 'Look for an "IMAP access" switch in your webmail settings and turn it on.';
};

export const adminFix = (p: P): string | undefined =>
  p.adminImap ? `${provName(p)} admin: ${str(p.adminImap)}.` : undefined;

interface CauseWords {
  short: (p: P) => string;
  why: (p: P) => string;
  fix: (p: P) => string;
}

/** Each likely cause of a refused password: a short title phrase, why it happens, and the fix. */
export const CAUSES: Record<LoginCause, CauseWords> = {
  'app-password': {
    short: (p) => `${provName(p)} wants ${anAppPassword(p)}`,
    why: (p) => `${provName(p)} does not accept the normal account password in mail apps, only ${anAppPassword(p)}`,
    fix: (p) =>
      `Create ${anAppPassword(p)}${appPasswordAt(p)}${twoStepFirst(p)} and use it instead of your normal password, without spaces.`,
  },
  'app-password-if-2fa': {
    short: () => 'an app password is needed because of two-step sign-in',
    why: () => 'with two-step sign-in switched on, the normal password stops working in mail apps',
    fix: (p) =>
      `If two-step sign-in is on for this account, create ${anAppPassword(p)}${appPasswordAt(p)} and use it instead.`,
  },
  'app-password-revoked': {
    short: () => 'the app password was revoked',
    why: (p) =>
      `${anAppPassword(p)} stops working when it is deleted, and ${provName(p)} revokes them when the account password is changed`,
    fix: (p) =>
      `If you already use ${anAppPassword(p)}, create a new one${appPasswordAt(p)} and type it without spaces.`,
  },
  'app-password-scope': {
    short: () => 'the app password lacks mail access',
    why: () => 'an app password only works for the access it was created with',
    fix: (p) => `Create an app password whose access includes "Mail (IMAP/POP/SMTP)"${appPasswordAt(p)}.`,
  },
  'oauth-only': {
    short: (p) => `${provName(p)} accepts no password here, only OAuth sign-in`,
    why: (p) => `${provName(p)} no longer accepts any password for IMAP; only OAuth 2 sign-in works`,
    fix: (p) =>
      `Use a mail app that signs in with ${provName(p, 'the provider')} (OAuth 2); scripts need an OAuth token${p.neededScope ? ` with the scope ${str(p.neededScope)}` : ''}.`,
  },
  'imap-switch': {
    short: () => 'IMAP access is switched off in the account settings',
    why: () =>
      "IMAP access may be switched off in the account's web settings (some providers switch it off by default or after long non-use)",
    fix: (p) => imapSwitchFix(p),
  },
  'admin-policy': {
    short: () => 'an administrator blocks IMAP for the account',
    why: () => "for a work or school account, the organisation's admin may block IMAP or password sign-in",
    fix: (p) =>
      `If this is a work or school account, ask its admin whether IMAP and app passwords are allowed for you.${adminFix(p) ? ` ${adminFix(p) as string}` : ''}`,
  },
  'wrong-region': {
    short: (p) =>
      p.mailRegion
        ? `your account is in ${str(p.mailRegion)}, not on this server`
        : "this is not your account's region",
    why: (p) =>
      `${provName(p)} accounts live in one region's data centre, and another region's server refuses the login${p.mailRegion ? ` (your domain's mail is handled by ${str(p.mailRegion)})` : ''}`,
    fix: (p) =>
      p.expectedHost
        ? `Use ${str(p.expectedHost)}, the server of ${str(p.mailRegion)}, instead of ${str(p.host, 'this server')}.`
        : `Use your region's server${list(p.regionServers).length > 0 ? `: ${list(p.regionServers).join('; ')}` : ''}.`,
  },
  'authorization-code': {
    short: (p) => `${anAppPassword(p)} is needed instead of the password`,
    why: (p) => `${provName(p)} wants a separate ${appPasswordTerm(p)} from its web settings instead of the password`,
    fix: (p) => `Create ${anAppPassword(p)}${appPasswordAt(p)} and type it into the mail app as the password.`,
  },
  'bridge-password': {
    short: () => 'the Proton Mail Bridge password is needed',
    why: () => 'Proton Mail Bridge makes its own password; the Proton account password does not work here',
    fix: (p) =>
      `Copy the password Proton Mail Bridge shows for this account${p.appPasswordAt ? ` (${str(p.appPasswordAt)})` : ''} into the mail app.`,
  },
  'plan-without-imap': {
    short: () => "the account's plan includes no IMAP",
    why: (p) =>
      `${p.noImapPlans ? str(p.noImapPlans) : 'some plans'} include no IMAP access at all, whatever the password`,
    fix: (p) =>
      `If the account is on ${p.noImapPlans ? str(p.noImapPlans) : 'a plan without IMAP'}, no mail app can connect: use the provider's website or app, or a plan that includes IMAP.`,
  },
  'username-form': {
    short: () => 'the username form is wrong',
    why: () => 'the username may be in the wrong form',
    fix: (p) =>
      `Check the username: many servers want the full address (${str(p.address ?? p.user)}), some only the part before @; log in with your primary address, not an alias.`,
  },
  'password-typo': {
    short: () => 'the password is wrong',
    why: () => 'the password may be wrong (a typo, the keyboard layout, caps lock, or changed since)',
    fix: () => 'Check the password by signing in to your webmail with it (mind caps lock and the keyboard layout).',
  },
};

/** The likely causes a finding names, in order; the password itself when it names none. */
export function causesOf(p: P): LoginCause[] {
  const ids = list(p.likelyCauses).filter((c): c is LoginCause => Object.prototype.hasOwnProperty.call(CAUSES, c));
  return ids.length > 0 ? ids : ['password-typo'];
}
