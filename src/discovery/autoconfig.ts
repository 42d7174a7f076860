/**
 * Thunderbird-style autoconfig sources (draft-ietf-mailmaint-autoconfig §4.1): the domain's own
 * files at https://autoconfig.D/ and https://D/.well-known/, the same two over http (insecure),
 * and the ISPDB (for D, or for the provider domain an MX points at). Each one GET, bounded by one
 * step timeout, redirects recorded, body capped and guarded, parsed with placeholders filled.
 * The address is only sent as ?emailaddress= with --send-address (and then only to https://autoconfig.D).
 */
import type { ConfigFacts, ConfigSourceId, ServerSetting, SourceResultOf } from '../model/discovery.js';
import {
  fetchedResult,
  httpFailureStatus,
  invalidOf,
  notRun,
  type ChannelTrust,
  type SourceContext,
} from './source-kit.js';

export type AutoconfigVariant = 'autoconfig' | 'autoconfig-wellknown' | 'autoconfig-http' | 'autoconfig-wellknown-http';

export const AUTOCONFIG_VARIANTS: readonly AutoconfigVariant[] = [
  'autoconfig',
  'autoconfig-wellknown',
  'autoconfig-http',
  'autoconfig-wellknown-http',
];

/** The URL of one variant, with ?emailaddress= only when asked and only on the autoconfig.D host. */
export function autoconfigUrl(variant: AutoconfigVariant, domain: string, address?: string): string {
  const scheme = variant.endsWith('-http') ? 'http' : 'https';
  const query = address ? `?emailaddress=${encodeURIComponent(address)}` : '';
  return variant.startsWith('autoconfig-wellknown')
    ? `${scheme}://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`
    : `${scheme}://autoconfig.${domain}/mail/config-v1.1.xml${query}`;
}

/** The ISPDB URL for a domain: `{{domain}}` in the base is replaced (Thunderbird's form), else the domain is appended. */
export function ispdbUrlFor(base: string, domain: string): string {
  if (base.includes('{{domain}}')) return base.split('{{domain}}').join(domain);
  return `${base}${base.endsWith('/') ? '' : '/'}${domain}`;
}

/** Fetch and read one config-v1.1 document as `source`. */
export async function fetchConfig<S extends ConfigSourceId>(
  ctx: SourceContext,
  source: S,
  url: string,
  home: string,
  secure: ChannelTrust,
): Promise<SourceResultOf<S>> {
  const t0 = performance.now();
  const o = await ctx.fetch({ url }, ctx.step());
  const base = fetchedResult(source, url, o, t0, home, secure);
  if (o.tooLarge)
    return {
      ...base,
      status: 'invalid',
      invalid: { reason: 'too-large', why: { code: 'over-limit', limit: o.maxBytes ?? ctx.maxBytes } },
    };
  const failed = httpFailureStatus(o);
  if (failed) return { ...base, status: failed };
  // The XML parser loads with the first settings document, not before the first packet.
  const { parseAutoconfig } = await import('./parse-autoconfig.js');
  const parsed = parseAutoconfig(o.body ?? '', ctx.who, { maxBytes: ctx.maxBytes });
  if (!parsed.ok)
    return {
      ...base,
      status: 'invalid',
      invalid: invalidOf(parsed),
    };
  const c = parsed.config;
  const facts: ConfigFacts = { ...base.facts };
  if (c.providerId) facts.providerId = c.providerId;
  if (c.displayName) facts.displayName = c.displayName;
  if (c.enableUrl) facts.enableUrl = c.enableUrl;
  if (c.documentationUrls.length > 0) facts.documentation = c.documentationUrls;
  const servers: ServerSetting[] = [...c.incoming, ...c.outgoing];
  const extra = {
    ...(c.problems.length > 0 ? { problems: c.problems } : {}),
    ...(c.oauth2 ? { oauth2: c.oauth2 } : {}),
  };
  if (c.incoming.length === 0) {
    const detail = c.problems.map((p) => `${p.where}: ${p.code}${p.value ? ` (${p.value})` : ''}`).join('; ');
    return {
      ...base,
      facts,
      status: 'invalid',
      servers,
      ...extra,
      invalid: { reason: 'no-incoming-server', ...(detail ? { detail } : {}) },
    };
  }
  return { ...base, facts, servers, ...extra };
}

/** One of the domain's own autoconfig URLs. */
export function autoconfigSource(
  ctx: SourceContext,
  variant: AutoconfigVariant,
): Promise<SourceResultOf<AutoconfigVariant>> {
  // --send-address: only to https://autoconfig.D (never over plain http, never to .well-known).
  const sendable = ctx.sendAddress && variant === 'autoconfig';
  const url = autoconfigUrl(variant, ctx.domain, sendable ? ctx.address.address : undefined);
  return fetchConfig(ctx, variant, url, ctx.domain, { trust: 'trusted', trustReason: 'https-domain' });
}

/**
 * The ISPDB entry for `domain` (the address's domain for 'ispdb', an MX provider's for 'mx-ispdb').
 * Trusted when the ISPDB is reached over HTTPS and stays on its own domain.
 */
export function ispdbSource<S extends 'ispdb' | 'mx-ispdb' | 'mx-ispdb-full'>(
  ctx: SourceContext,
  source: S,
  domain: string,
): Promise<SourceResultOf<S>> {
  if (ctx.ispdbUrl === null) return Promise.resolve(notRun(source, domain, 'disabled', 'no-ispdb'));
  const url = ispdbUrlFor(ctx.ispdbUrl, domain);
  let home: string;
  try {
    home = new URL(url).hostname;
  } catch {
    return Promise.resolve(notRun(source, url, 'skipped', 'ispdb-url-invalid'));
  }
  return fetchConfig(ctx, source, url, home, {
    trust: 'trusted',
    trustReason: source === 'ispdb' ? 'ispdb' : 'ispdb-via-mx',
  });
}
