/**
 * Checks on the settings documents: autoconfig files of the domain (found, only over plain HTTP,
 * unusable or defective, behind a certificate that does not verify), the ISPDB entries, and
 * Autodiscover answers. A web page answering the domain's website URL is a note, not a warning:
 * websites commonly answer any path with a page.
 */
import { imapServers, securityForUnknown } from '../../discovery/candidates.js';
import type { InvalidWhy, SourceResult } from '../../model/discovery.js';
import { endpointId } from '../../model/evidence.js';
import type { Params } from '../../catalogue/index.js';
import type { Finding } from '../../model/finding.js';
import type { Check, CheckContext } from '../types.js';
import { finding } from '../types.js';
import { sources } from './helpers.js';
import { errorParams } from '../../model/reading.js';

const HTTPS_FILES = ['autoconfig', 'autoconfig-wellknown'] as const;
const HTTP_FILES = ['autoconfig-http', 'autoconfig-wellknown-http'] as const;
/** autoconfig-06 §3: the files at the MX's domains (autoconfig.MXFULLDOMAIN, autoconfig.MXBASEDOMAIN). */
const MX_FILES = ['mx-autoconfig', 'mx-autoconfig-base'] as const;
/** The domain's website answers these, not a host set up for mail settings. */
const WEBSITE = new Set(['autoconfig-wellknown', 'autoconfig-wellknown-http']);
const NOT_A_FILE = new Set(['html', 'empty', 'doctype']);

/** An InvalidWhy as finding params: its code as `why`, its values beside it. */
function whyParams(why: InvalidWhy): Params {
  const { code, ...values } = why;
  return { why: code, ...values };
}

const ids = (s: SourceResult) => imapServers(s).map(endpointId);

function invalidFindings(s: SourceResult): Finding[] {
  const out: Finding[] = [];
  if (s.status === 'invalid' && s.invalid) {
    const soft = WEBSITE.has(s.source) && NOT_A_FILE.has(s.invalid.reason);
    out.push(
      finding(
        'AUTOCONFIG_INVALID',
        'discovery',
        {
          url: s.query,
          source: s.source,
          reason: s.invalid.reason,
          usable: false,
          ...(s.invalid.detail ? { detail: s.invalid.detail } : {}),
          ...(s.invalid.why ? whyParams(s.invalid.why) : {}),
        },
        { severity: soft ? 'info' : 'warning' },
      ),
    );
  }
  for (const p of s.problems ?? []) {
    const setting = s.servers.find(
      (x) => x.security === 'unknown' && x.rawSecurity !== undefined && (p.value ?? '').startsWith(x.rawSecurity),
    );
    const probed: Params =
      p.code === 'unknown-socket-type' && setting?.protocol === 'imap'
        ? { probedAs: securityForUnknown(setting.port) }
        : {};
    out.push(
      finding('AUTOCONFIG_INVALID', 'discovery', {
        url: s.query,
        source: s.source,
        reason: p.code,
        where: p.where,
        usable: s.status === 'found',
        ...(p.value ? { value: p.value } : {}),
        ...probed,
      }),
    );
  }
  return out;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** AUTOCONFIG_FOUND for each autoconfig file found, the domain's first, then those at the MX's domains. */
function autoconfigFound(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const files = sources(ctx, ...HTTPS_FILES, ...HTTP_FILES);
  for (const s of files.filter((x) => x.status === 'found'))
    out.push(finding('AUTOCONFIG_FOUND', 'discovery', { url: s.query, servers: ids(s) }));
  for (const s of sources(ctx, ...MX_FILES).filter((x) => x.status === 'found')) {
    out.push(
      finding('AUTOCONFIG_FOUND', 'discovery', {
        url: s.query,
        servers: ids(s),
        viaMx: s.viaMx?.mxHost ?? '',
        dnssec: s.viaMx?.dnssec === true,
      }),
    );
  }
  return out;
}

/** AUTOCONFIG_INSECURE_HTTP when the autoconfig file comes only over plain HTTP: an HTTPS file redirected to HTTP, or no HTTPS file. */
function insecureHttp(ctx: CheckContext): Finding[] {
  const domain = ctx.address.domain;
  const httpsFound = sources(ctx, ...HTTPS_FILES).filter((s) => s.status === 'found');
  const httpFound = sources(ctx, ...HTTP_FILES).filter((s) => s.status === 'found');
  const downgraded = httpsFound.filter((s) => s.trustReason === 'redirect-to-http');
  if (downgraded.length > 0) {
    return [
      finding('AUTOCONFIG_INSECURE_HTTP', 'discovery', {
        domain,
        urls: downgraded.map((s) => s.query),
        reason: 'redirect-to-http',
      }),
    ];
  }
  if (httpFound.length > 0 && httpsFound.length === 0) {
    return [
      finding('AUTOCONFIG_INSECURE_HTTP', 'discovery', {
        domain,
        urls: httpFound.map((s) => s.query),
        reason: 'http-only',
      }),
    ];
  }
  return [];
}

/** AUTOCONFIG_TLS_ERROR for each HTTPS settings source that ended in a TLS error (only a note for Autodiscover). */
function tlsErrors(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const s of sources(
    ctx,
    ...HTTPS_FILES,
    'ispdb',
    'mx-ispdb',
    'autodiscover',
    'autodiscover-domain',
    'autodiscover-srv',
  ).filter((x) => x.status === 'tls-error')) {
    const url = s.hops?.[s.hops.length - 1]?.url ?? s.query;
    out.push(
      finding(
        'AUTOCONFIG_TLS_ERROR',
        'discovery',
        {
          host: hostOf(url),
          url,
          ...(s.error?.rawCode
            ? { error: s.error.rawCode }
            : s.error
              ? errorParams('error', s.error)
              : { error: 'TLS error' }),
        },
        { severity: s.source.startsWith('autodiscover') ? 'info' : 'warning' },
      ),
    );
  }
  return out;
}

export const autoconfigCheck: Check = {
  id: 'discovery/autoconfig',
  needs: ['discovery'],
  run: (ctx) => {
    const out: Finding[] = [...autoconfigFound(ctx), ...insecureHttp(ctx)];
    for (const s of sources(ctx, 'ispdb', 'mx-ispdb', 'mx-ispdb-full').filter((x) => x.status === 'found')) {
      const lookup = s.query.replace(/\/+$/, '').split('/').pop() ?? s.query;
      out.push(
        finding('ISPDB_FOUND', 'discovery', { lookup, url: s.query, servers: ids(s), viaMx: s.source !== 'ispdb' }),
      );
    }
    for (const s of sources(ctx, 'autodiscover', 'autodiscover-domain', 'autodiscover-srv').filter(
      (x) => x.status === 'found',
    )) {
      out.push(finding('AUTODISCOVER_FOUND', 'discovery', { url: s.hops?.[0]?.url ?? s.query, servers: ids(s) }));
    }
    for (const s of sources(ctx, ...HTTPS_FILES, ...HTTP_FILES, ...MX_FILES, 'ispdb', 'mx-ispdb', 'mx-ispdb-full'))
      out.push(...invalidFindings(s));
    out.push(...tlsErrors(ctx));
    return out;
  },
};
