/**
 * Autoconfig through the MX (draft-ietf-mailmaint-autoconfig-06 §3, as Thunderbird and Thunderbird
 * for Android do it): only the highest-priority MX host; from it MXFULLDOMAIN (the host minus its
 * first label, used only when longer than the base) and MXBASEDOMAIN (its registrable domain); each
 * asked for HTTPS autoconfig (`https://autoconfig.X/mail/config-v1.1.xml`) and the ISPDB (the base's
 * ISPDB entry is the existing `mx-ispdb` source). Nothing is asked when the MX lies in the address's
 * own registrable domain. An autoconfig file found this way is unverified unless the MX answer was
 * DNSSEC-validated (the draft asks clients to confirm such settings); the ISPDB stays trusted. An MX
 * that is not a host name is not used; servers the unverified file names obey the steering rule of
 * candidates.ts (host names on the IMAP ports only), and every fetch the --no-private policy.
 */
import type { SourceId, SourceResult } from '../model/discovery.js';
import type { MxDerivation } from '../model/standards.js';
import { fetchConfig, ispdbSource } from './autoconfig.js';
import { registrableDomain } from './domain.js';
import type { MxOutcome } from './mx.js';
import { notRun, type SourceContext } from './source-kit.js';
import { normaliseHost } from './settings-values.js';
import { isIP } from 'node:net';

export type MxDerivedSource = Extract<SourceId, 'mx-autoconfig' | 'mx-autoconfig-base' | 'mx-ispdb-full'>;

export const MX_DERIVED_SOURCES: readonly MxDerivedSource[] = ['mx-autoconfig', 'mx-autoconfig-base', 'mx-ispdb-full'];

/** MXFULLDOMAIN (when longer than the base) and MXBASEDOMAIN of an MX host. */
export function mxDomains(mxHost: string): { full?: string; base: string } {
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  const base = registrableDomain(host);
  const dot = host.indexOf('.');
  const full = dot > 0 ? host.slice(dot + 1) : undefined;
  return { base, ...(full && full.length > base.length && full.endsWith(`.${base}`) ? { full } : {}) };
}

/** One derived lookup for the highest-priority MX, or why it was not made. */
export async function mxDerivedSource(
  ctx: SourceContext,
  source: MxDerivedSource,
  m: MxOutcome,
): Promise<SourceResult> {
  const mxHost = m.hosts[0];
  if (!mxHost) return notRun(source, ctx.domain, 'skipped', 'no-mx-host');
  // An unverified DNS answer may name host names only: a label with ':' or '/' would steer the URL.
  if (normaliseHost(mxHost) === undefined || isIP(mxHost) !== 0)
    return notRun(source, mxHost, 'skipped', 'mx-not-host-name');
  const { full, base } = mxDomains(mxHost);
  if (base === registrableDomain(ctx.domain)) return notRun(source, mxHost, 'skipped', 'mx-inside-domain');
  const kind = source === 'mx-autoconfig-base' ? 'base' : 'full';
  const domain = kind === 'base' ? base : full;
  if (!domain) return notRun(source, mxHost, 'skipped', 'mx-no-full-domain');
  const viaMx: MxDerivation = { mxHost, domain, kind, dnssec: m.result.authenticated === true };
  if (source === 'mx-ispdb-full') return { ...(await ispdbSource(ctx, source, domain)), viaMx };
  const r = await fetchConfig(ctx, source, `https://autoconfig.${domain}/mail/config-v1.1.xml`, domain, {
    trust: 'trusted',
    trustReason: 'mx-dnssec',
  });
  // DNS told us where to look: without DNSSEC, a forged MX answer could choose the file.
  const unverifiedMx = r.trust === 'trusted' && !viaMx.dnssec;
  return { ...r, viaMx, ...(unverifiedMx ? { trust: 'unverified' as const, trustReason: 'mx-not-dnssec' } : {}) };
}
