/**
 * What imap-doctor knows about big mail providers: how to recognise them (MX hosts, IMAP host
 * names, greeting and capability fingerprints, consumer domains), their IMAP settings, and what
 * their login really requires (app password, OAuth, an IMAP switch, the likely causes of a refused
 * password, most likely first). Pure data and matching; facts "last seen" in the research notes
 * (../shared/research/pain-points.md §1), not live truth.
 */
import type { Security } from '../model/evidence.js';

export type LoginPolicy =
  /** The account password is refused; an app-specific password is required. */
  | 'app-password'
  /** Passwords are refused altogether; OAuth 2 (XOAUTH2/OAUTHBEARER) only. */
  | 'oauth'
  /** The normal password works unless two-step sign-in is on, then an app password. */
  | 'app-password-if-2fa'
  /** A separate "authorization code" from the web settings replaces the password. */
  | 'authorization-code'
  | 'password';

export interface Provider {
  id: string;
  name: string;
  mx: RegExp[];
  hosts: RegExp[];
  greeting: RegExp[];
  capabilities?: string[];
  domains: string[];
  imap?: { host: string; port: number; security: Security };
  login: LoginPolicy;
  /** Where to create an app password / authorization code. */
  appPasswordUrl?: string;
  /** IMAP has to be switched on in the account's web settings (and may switch itself off). */
  imapSwitch?: { where: string; url?: string };
  /** OAuth is possible for mail apps. */
  oauth: boolean;
  note?: string;
}

export const PROVIDERS: readonly Provider[] = [
  {
    id: 'google',
    name: 'Google (Gmail / Google Workspace)',
    mx: [/(^|\.)google\.com$/, /(^|\.)googlemail\.com$/, /aspmx\.l\.google\.com$/],
    hosts: [/^imap\.gmail\.com$/, /^imap\.googlemail\.com$/],
    greeting: [/Gimap ready for requests from/i],
    domains: ['gmail.com', 'googlemail.com'],
    imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    login: 'app-password',
    appPasswordUrl: 'https://myaccount.google.com/apppasswords',
    imapSwitch: { where: 'Gmail settings → Forwarding and POP/IMAP → Enable IMAP (Workspace: the admin console controls it)' },
    oauth: true,
    note: 'Google stopped accepting account passwords from mail apps (consumer 2022, Workspace 30 Sept 2024); only app passwords (with 2-Step Verification) or "Sign in with Google" work.',
  },
  {
    id: 'microsoft',
    name: 'Microsoft (Outlook.com / Microsoft 365)',
    mx: [/\.mail\.protection\.outlook\.com$/, /(^|\.)olc\.protection\.outlook\.com$/, /(^|\.)hotmail\.com$/, /(^|\.)outlook\.com$/],
    hosts: [/^outlook\.office365\.com$/, /^imap-mail\.outlook\.com$/, /^outlook\.office\.com$/, /\.outlook\.com$/],
    greeting: [/Microsoft Exchange IMAP4 service is ready\.\s*\[[A-Za-z0-9+/=]+\]/i],
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'outlook.de', 'hotmail.de', 'hotmail.co.uk', 'live.de'],
    imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
    login: 'oauth',
    imapSwitch: { where: 'Outlook.com: Settings → Mail → Forwarding and IMAP; Microsoft 365: the admin enables IMAP per mailbox' },
    oauth: true,
    note: 'Microsoft turned off password ("basic") sign-in for IMAP (Microsoft 365 tenants from Oct 2022, personal accounts from 16 Sept 2024); only OAuth 2 works.',
  },
  {
    id: 'yahoo',
    name: 'Yahoo / AOL Mail',
    mx: [/(^|\.)yahoodns\.net$/, /(^|\.)yahoo\.com$/, /(^|\.)aol\.com$/],
    hosts: [/^imap\.mail\.yahoo\.com$/, /^imap\.aol\.com$/, /^imap\.mail\.yahoo\.co\.\w+$/],
    greeting: [/imapgate/i],
    capabilities: ['AUTH=XYMCOOKIE'],
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com', 'aol.com', 'yahoo.co.uk', 'yahoo.de', 'yahoo.fr'],
    imap: { host: 'imap.mail.yahoo.com', port: 993, security: 'tls' },
    login: 'app-password',
    appPasswordUrl: 'https://login.yahoo.com/account/security',
    oauth: true,
    note: 'Yahoo and AOL refuse the account password in third-party mail apps since late 2020; generate an app password under Account security.',
  },
  {
    id: 'icloud',
    name: 'iCloud Mail',
    mx: [/(^|\.)mail\.icloud\.com$/, /(^|\.)icloud\.com$/],
    hosts: [/^imap\.mail\.me\.com$/, /^p\d+-imap\.mail\.me\.com$/],
    greeting: [/iSCREAM ready to rumble/i],
    // AUTH=ATOKEN only: XAPPLEPUSHSERVICE is also what Dovecot's push plugin (xaps) advertises.
    capabilities: ['AUTH=ATOKEN'],
    domains: ['icloud.com', 'me.com', 'mac.com'],
    imap: { host: 'imap.mail.me.com', port: 993, security: 'tls' },
    login: 'app-password',
    appPasswordUrl: 'https://account.apple.com (Sign-In and Security → App-Specific Passwords)',
    oauth: false,
    note: 'The Apple Account password is never accepted; an app-specific password (needs two-factor authentication) is. Log in with the @icloud.com address, not an alias.',
  },
  {
    id: 'fastmail',
    name: 'Fastmail',
    mx: [/(^|\.)messagingengine\.com$/, /(^|\.)fastmail\.com$/],
    hosts: [/^imap\.fastmail\.com$/, /^mail\.messagingengine\.com$/],
    greeting: [],
    domains: ['fastmail.com', 'fastmail.fm'],
    imap: { host: 'imap.fastmail.com', port: 993, security: 'tls' },
    login: 'app-password',
    appPasswordUrl: 'https://app.fastmail.com/settings/security/devicekeys',
    oauth: true,
    note: 'The main password never works over IMAP; an app password whose access includes "Mail (IMAP/POP/SMTP)" does.',
  },
  {
    id: 'zoho',
    name: 'Zoho Mail',
    mx: [/(^|\.)zoho\.(com|eu|in|com\.au|jp|com\.cn)$/, /(^|\.)zohomail\.(com|eu|in)$/],
    hosts: [/^imap(pro)?\.zoho\.(com|eu|in|com\.au|jp|com\.cn)$/],
    greeting: [/Zoho Mail IMAP4rev1 Server/i],
    domains: ['zoho.com', 'zohomail.com', 'zoho.eu'],
    imap: { host: 'imap.zoho.com', port: 993, security: 'tls' },
    login: 'app-password-if-2fa',
    appPasswordUrl: 'https://accounts.zoho.com/home#security/app_password',
    imapSwitch: { where: 'Zoho Mail settings → Mail Accounts → IMAP Access (organisations also need the admin policy)' },
    oauth: true,
    note: 'Zoho hosts are region-bound (imap.zoho.eu for EU accounts; imappro.zoho.* for organisation domains).',
  },
  {
    id: 'gmx',
    name: 'GMX / WEB.DE (United Internet)',
    mx: [/(^|\.)gmx\.(net|com|de)$/, /(^|\.)web\.de$/],
    hosts: [/^imap\.gmx\.(net|com|de)$/, /^imap\.web\.de$/],
    greeting: [/IMAP server ready H miweb/i],
    domains: ['gmx.net', 'gmx.de', 'gmx.com', 'gmx.at', 'gmx.ch', 'web.de'],
    imap: { host: 'imap.gmx.net', port: 993, security: 'tls' },
    login: 'app-password-if-2fa',
    imapSwitch: { where: 'E-Mail settings → POP3 & IMAP → allow access (desktop website; it switches itself off after long non-use)' },
    oauth: false,
  },
  {
    id: 'yandex',
    name: 'Yandex Mail',
    mx: [/(^|\.)yandex\.(net|ru|com)$/],
    hosts: [/^imap\.yandex\.(com|ru)$/],
    greeting: [/Yandex IMAP4rev1 at/i],
    domains: ['yandex.ru', 'yandex.com', 'ya.ru'],
    imap: { host: 'imap.yandex.com', port: 993, security: 'tls' },
    login: 'app-password',
    imapSwitch: { where: 'Mail settings → Email clients → allow access by IMAP' },
    oauth: true,
  },
  {
    id: 'netease',
    name: 'NetEase (163 / 126 / yeah.net)',
    mx: [/(^|\.)163\.com$/, /(^|\.)126\.com$/, /(^|\.)netease\.com$/, /(^|\.)yeah\.net$/],
    hosts: [/^imap\.(163|126)\.com$/, /^imap\.yeah\.net$/],
    // Not the bare "Coremail" greeting: organisations run Coremail themselves; the host names it.
    greeting: [],
    domains: ['163.com', '126.com', 'yeah.net'],
    login: 'authorization-code',
    imapSwitch: { where: 'Web mail settings → POP3/SMTP/IMAP → enable IMAP and create an authorization code' },
    oauth: false,
  },
  {
    id: 'qq',
    name: 'QQ Mail',
    mx: [/(^|\.)qq\.com$/],
    hosts: [/^imap\.qq\.com$/, /^imap\.exmail\.qq\.com$/],
    greeting: [],
    domains: ['qq.com', 'foxmail.com'],
    imap: { host: 'imap.qq.com', port: 993, security: 'tls' },
    login: 'authorization-code',
    imapSwitch: { where: 'Settings → Account → POP3/IMAP/SMTP → enable IMAP and generate an authorization code' },
    oauth: false,
  },
  {
    id: 'proton',
    name: 'Proton Mail',
    mx: [/(^|\.)protonmail\.ch$/, /(^|\.)proton\.me$/],
    hosts: [],
    greeting: [],
    domains: ['proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me'],
    imap: { host: '127.0.0.1', port: 1143, security: 'starttls' },
    login: 'password',
    oauth: false,
    note: 'Proton Mail has no public IMAP server: mail apps connect to Proton Mail Bridge on this computer (127.0.0.1:1143, STARTTLS) with the password Bridge generates.',
  },
];

export interface ProviderMatch {
  provider: Provider;
  via: 'mx' | 'host' | 'greeting' | 'capability' | 'domain';
  evidence: string;
}

const lower = (s: string) => s.toLowerCase().replace(/\.$/, '');

/**
 * Greetings of server software people run themselves (pain-points §1.12–1.15). When the server
 * names itself like this, it is not the big provider an MX record or the address's domain points
 * at (a guessed mail.<domain> on a web host, say), so their advice must not be applied to it.
 */
const SELF_HOSTED_GREETINGS: readonly RegExp[] = [/\bDovecot\b/i, /Courier-IMAP/i, /\bCyrus\b/i, /\bZimbra\b/i, /hMailServer/i, /\bUW IMAP\b/i, /MDaemon/i, /Kerio/i, /SmarterMail/i];

/**
 * Recognise a provider from whatever is known; the strongest evidence wins: the server's own host
 * name, greeting or capabilities first, then the domain's MX hosts, then the address's domain. The
 * last two only say where the mailbox probably is, so they are not applied to a server whose
 * greeting names self-hosted software.
 */
export function identifyProvider(e: { host?: string; greeting?: string; capabilities?: readonly string[]; mxHosts?: readonly string[]; domain?: string }): ProviderMatch | undefined {
  for (const p of PROVIDERS) {
    if (e.host && p.hosts.some((r) => r.test(lower(e.host as string)))) return { provider: p, via: 'host', evidence: lower(e.host) };
  }
  // Server software people run themselves (Dovecot, Courier, …) is never a big provider, whatever
  // plugin capabilities or MX records suggest.
  if (e.greeting && selfHostedGreeting(e.greeting)) return undefined;
  for (const p of PROVIDERS) {
    if (e.greeting && p.greeting.some((r) => r.test(e.greeting as string))) return { provider: p, via: 'greeting', evidence: e.greeting };
    const cap = p.capabilities?.find((c) => e.capabilities?.some((x) => x.toUpperCase() === c));
    if (cap) return { provider: p, via: 'capability', evidence: cap };
  }
  for (const mx of e.mxHosts ?? []) {
    for (const p of PROVIDERS) if (p.mx.some((r) => r.test(lower(mx)))) return { provider: p, via: 'mx', evidence: lower(mx) };
  }
  if (e.domain) {
    const d = lower(e.domain);
    for (const p of PROVIDERS) if (p.domains.includes(d)) return { provider: p, via: 'domain', evidence: d };
  }
  return undefined;
}

/** Does the greeting name server software people run themselves (Dovecot, Courier, …)? */
export function selfHostedGreeting(greeting: string): boolean {
  return SELF_HOSTED_GREETINGS.some((r) => r.test(greeting));
}

/** Did the server itself give the provider away (host name, greeting, capability), not just the domain's DNS? */
export function identifiedByServer(m: Pick<ProviderMatch, 'via'>): boolean {
  return m.via === 'host' || m.via === 'greeting' || m.via === 'capability';
}

export function providerById(id: string): Provider | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

// ---------------------------------------------------------------- login policy: why a password is refused

/**
 * Why a refused password login most likely failed, as stable ids the catalogue turns into words
 * (src/catalogue/auth.ts). Reported in AUTH_FAILED's `likelyCauses`, most likely first.
 */
export type LoginCause =
  /** The normal account password is never accepted in mail apps; an app password is. */
  | 'app-password'
  /** With two-step sign-in on, the normal password stops working; an app password is needed. */
  | 'app-password-if-2fa'
  /** An app password that was revoked (changing the account password revokes them at Google). */
  | 'app-password-revoked'
  /** An app password created without mail (IMAP) access (Fastmail). */
  | 'app-password-scope'
  /** No password works at all; only OAuth 2 sign-in. */
  | 'oauth-only'
  /** IMAP access is switched off in the account's web settings. */
  | 'imap-switch'
  /** The organisation's admin blocks IMAP or password sign-in for the account. */
  | 'admin-policy'
  /** The account lives in another region's data centre (Zoho .eu/.in/…). */
  | 'wrong-region'
  /** A separate authorization code replaces the password (NetEase, QQ). */
  | 'authorization-code'
  /** Proton Mail Bridge generates its own password. */
  | 'bridge-password'
  /** The username form: full address, part before @, or the primary address instead of an alias. */
  | 'username-form'
  /** The password itself: typo, keyboard layout, changed since. */
  | 'password-typo';

export interface LoginAdvice {
  /** Likely causes of a refused password, most likely first (pain-points §1.3–1.11). */
  causes: LoginCause[];
  /** The OAuth scope a token for IMAP needs. */
  oauthScope?: string;
}

/** Without a recognised provider: the password itself first (pain-points §6.5 AUTH_FAILED). */
export const DEFAULT_LOGIN_ADVICE: LoginAdvice = { causes: ['password-typo', 'username-form', 'app-password-if-2fa'] };

/** Per provider id; a test keeps every entry of PROVIDERS covered. */
export const LOGIN_ADVICE: Readonly<Record<string, LoginAdvice>> = {
  // §1.3: the normal password is refused since 2022/2024; a revoked app password or a Workspace policy look the same.
  google: { causes: ['app-password', 'app-password-revoked', 'admin-policy', 'password-typo'], oauthScope: 'https://mail.google.com/' },
  // §1.4: basic auth is off (tenants Oct 2022, personal accounts 16 Sept 2024); IMAP per mailbox; Conditional Access.
  microsoft: { causes: ['oauth-only', 'imap-switch', 'admin-policy', 'password-typo'], oauthScope: 'https://outlook.office.com/IMAP.AccessAsUser.All' },
  // §1.6: third-party apps need an app password since late 2020.
  yahoo: { causes: ['app-password', 'password-typo', 'username-form'] },
  // §1.7: the Apple Account password is never accepted; aliases are not logins.
  icloud: { causes: ['app-password', 'username-form', 'password-typo'] },
  // §1.8: the main password never works; app passwords are scoped.
  fastmail: { causes: ['app-password', 'app-password-scope', 'password-typo'] },
  // §1.9: 2FA needs an app password; region-bound hosts; IMAP off per mailbox by default.
  zoho: { causes: ['app-password-if-2fa', 'wrong-region', 'imap-switch', 'password-typo'] },
  // §1.10: POP3/IMAP is off by default and switches itself off after long non-use.
  gmx: { causes: ['imap-switch', 'password-typo', 'app-password-if-2fa'] },
  // §1.11
  yandex: { causes: ['app-password', 'imap-switch', 'password-typo'] },
  netease: { causes: ['authorization-code', 'imap-switch', 'password-typo'] },
  qq: { causes: ['authorization-code', 'imap-switch', 'password-typo'] },
  proton: { causes: ['bridge-password', 'password-typo'] },
};

export function loginAdvice(p: Provider | undefined): LoginAdvice {
  return (p && LOGIN_ADVICE[p.id]) ?? DEFAULT_LOGIN_ADVICE;
}
