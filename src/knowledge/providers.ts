/**
 * What imap-doctor knows about big mail providers (entries in ./entries, each rule with its public
 * source): recognising a provider and its brand or region from what is known — the server's host
 * name, greeting and capabilities first, then the domain's MX hosts, then the address's domain —
 * and the likely causes of a refused password, most likely first. Pure data and matching.
 */
import type { LoginCause } from '../model/advice.js';
import { fastmail, google, icloud, microsoft, proton, yahoo } from './entries/global.js';
import { gmx, libero, orange, seznam, tonline } from './entries/europe.js';
import { mailru, naver, netease, qq, yandex } from './entries/east.js';
import { zoho } from './entries/zoho.js';
import type { Brand, ProviderEntry } from './types.js';

export type { Brand, LoginPolicy, ProviderEntry, Source } from './types.js';
export type { LoginCause } from '../model/advice.js';
export { KNOWLEDGE_DATE } from './sources.js';

/** Every entry, in matching order. */
export const PROVIDERS: readonly ProviderEntry[] = [
  google,
  microsoft,
  yahoo,
  icloud,
  fastmail,
  zoho,
  gmx,
  yandex,
  mailru,
  tonline,
  qq,
  netease,
  naver,
  seznam,
  orange,
  libero,
  proton,
];

export interface ProviderMatch {
  provider: ProviderEntry;
  /** The brand or region, when the evidence tells which (a shared host such as outlook.office365.com does not). */
  brand?: Brand;
  via: 'mx' | 'host' | 'greeting' | 'capability' | 'domain';
  evidence: string;
  /** The brand the domain's MX or address names, when it differs from the server's own (a region mismatch). */
  mailBrand?: Brand;
}

const lower = (s: string) => s.toLowerCase().replace(/\.$/, '');

/**
 * Greetings of server software people run themselves (pain-points §1.12–1.15). When the server
 * names itself like this, it is not the big provider an MX record or the address's domain points
 * at (a guessed mail.<domain> on a web host, say), so their advice must not be applied to it.
 */
const SELF_HOSTED_GREETINGS: readonly RegExp[] = [
  /\bDovecot\b/i,
  /Courier-IMAP/i,
  /\bCyrus\b/i,
  /\bZimbra\b/i,
  /hMailServer/i,
  /\bUW IMAP\b/i,
  /MDaemon/i,
  /Kerio/i,
  /SmarterMail/i,
];

/** The first provider with a brand whose server is host `h` by `test`. */
function byServerHost(h: string, test: (b: Brand) => boolean): ProviderMatch | undefined {
  for (const p of PROVIDERS) {
    const brands = p.brands.filter(test);
    // One host shared by several brands (Microsoft's) names the provider, not the brand.
    if (brands.length > 0)
      return { provider: p, ...(brands.length === 1 ? { brand: brands[0] as Brand } : {}), via: 'host', evidence: h };
  }
  return undefined;
}

function byHost(host: string): ProviderMatch | undefined {
  const h = lower(host);
  return byServerHost(h, (b) => b.hosts.some((r) => r.test(h)));
}

/**
 * The provider whose own published IMAP server this is: a brand's `imap` endpoint, host and port
 * alike (taken from the ISPDB or the provider's own page, with its source). These are the
 * "well-known" IMAP hosts of the firewall rule: services for millions of users, so one of them
 * dropping every connection is far less likely than the network in between blocking mail. Only
 * the knowledge is consulted; no such host is ever connected to unless the user asked for it.
 */
export function providerImapHost(host: string, port: number): ProviderMatch | undefined {
  const h = lower(host);
  return byServerHost(h, (b) => b.imap?.host === h && b.imap.port === port);
}

function byServerWords(
  greeting: string | undefined,
  capabilities: readonly string[] | undefined,
): ProviderMatch | undefined {
  for (const p of PROVIDERS) {
    if (greeting && p.greeting.some((r) => r.test(greeting)))
      return { provider: p, via: 'greeting', evidence: greeting };
    const cap = p.capabilities?.find((c) => capabilities?.some((x) => x.toUpperCase() === c));
    if (cap) return { provider: p, via: 'capability', evidence: cap };
  }
  return undefined;
}

function byMx(mxHosts: readonly string[]): ProviderMatch | undefined {
  for (const mx of mxHosts) {
    const m = lower(mx);
    for (const p of PROVIDERS) {
      const brand = p.brands.find((b) => b.mx.some((r) => r.test(m)));
      if (brand) return { provider: p, brand, via: 'mx', evidence: m };
    }
  }
  return undefined;
}

function byDomain(domain: string): ProviderMatch | undefined {
  const d = lower(domain);
  for (const p of PROVIDERS) {
    const brand = p.brands.find((b) => b.domains.includes(d));
    if (brand) return { provider: p, brand, via: 'domain', evidence: d };
  }
  return undefined;
}

/**
 * Recognise a provider from whatever is known; the strongest evidence wins: the server's own host
 * name, greeting or capabilities first, then the domain's MX hosts, then the address's domain. The
 * last two only say where the mailbox probably is, so they are not applied to a server whose
 * greeting names self-hosted software.
 */
export function identifyProvider(e: {
  host?: string;
  greeting?: string;
  capabilities?: readonly string[];
  mxHosts?: readonly string[];
  domain?: string;
}): ProviderMatch | undefined {
  const own = e.host ? byHost(e.host) : undefined;
  if (own) return own;
  // Server software people run themselves (Dovecot, Courier, …) is never a big provider, whatever
  // plugin capabilities or MX records suggest.
  if (e.greeting && selfHostedGreeting(e.greeting)) return undefined;
  return (
    byServerWords(e.greeting, e.capabilities) ?? byMx(e.mxHosts ?? []) ?? (e.domain ? byDomain(e.domain) : undefined)
  );
}

/**
 * The server's own match, told which brand the mail belongs to by the domain's MX or address (the
 * same provider): a shared host takes that brand; a different brand of the same provider is kept as
 * `mailBrand`, the region the account most likely lives in.
 */
export function withMailBrand(own: ProviderMatch, mail: ProviderMatch | undefined): ProviderMatch {
  if (!mail?.brand || mail.provider.id !== own.provider.id) return own;
  if (!own.brand) return { ...own, brand: mail.brand };
  return own.brand.id === mail.brand.id ? own : { ...own, mailBrand: mail.brand };
}

/** Does the greeting name server software people run themselves (Dovecot, Courier, …)? */
export function selfHostedGreeting(greeting: string): boolean {
  return SELF_HOSTED_GREETINGS.some((r) => r.test(greeting));
}

/** Did the server itself give the provider away (host name, greeting, capability), not just the domain's DNS? */
export function identifiedByServer(m: Pick<ProviderMatch, 'via'>): boolean {
  return m.via === 'host' || m.via === 'greeting' || m.via === 'capability';
}

/** The name to show: the brand's (WEB.DE, AOL Mail, a Zoho region) where a provider has several, else the provider's. */
export function displayName(m: Pick<ProviderMatch, 'provider' | 'brand'>): string {
  return m.brand && m.provider.brands.length > 1 ? m.brand.name : m.provider.name;
}

export function providerById(id: string): ProviderEntry | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

export function brandById(p: ProviderEntry, id: string | undefined): Brand | undefined {
  return id === undefined ? undefined : p.brands.find((b) => b.id === id);
}

/** Every consumer address domain a provider's brands own. */
export function providerDomains(p: ProviderEntry): string[] {
  return p.brands.flatMap((b) => b.domains);
}

// ---------------------------------------------------------------- login policy: why a password is refused

/** Without a recognised provider: the password itself first (pain-points §6.5 AUTH_FAILED). */
export const DEFAULT_CAUSES: readonly LoginCause[] = ['password-typo', 'username-form', 'app-password-if-2fa'];

/**
 * Why a refused password most likely failed, most likely first. When the domain's mail lives in
 * another region of the same provider than the server asked, that mismatch leads.
 */
export function loginCauses(m: ProviderMatch | undefined): LoginCause[] {
  if (!m) return [...DEFAULT_CAUSES];
  const causes = [...m.provider.causes];
  if (m.mailBrand && causes.includes('wrong-region'))
    return ['wrong-region', ...causes.filter((c) => c !== 'wrong-region')];
  return causes;
}
