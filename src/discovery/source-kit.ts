/**
 * What every discovery source shares: the context it runs in (address, resolver, lookup, fetcher,
 * one bounded signal per step), and the translations of DNS and HTTP outcomes into a SourceStatus
 * and of an HTTP fetch into channel trust. Pure helpers plus types; no I/O of their own.
 */
import type { EmailAddress } from '../address.js';
import type { Resolver } from '../dns/resolver.js';
import type {
  HttpHop,
  HttpStepFacts,
  ParseFailed,
  ReasonOf,
  SourceId,
  SourceResultBase,
  SourceStatus,
} from '../model/discovery.js';
import type { DnsStatus, Trust, TrustReason } from '../model/evidence.js';
import type { HostLookup } from '../probes/resolve.js';
import { registrableDomain } from './domain.js';
import type { Fetcher, HttpOutcome } from './http.js';
import type { PlaceholderValues } from './placeholders.js';

export interface SourceContext {
  address: EmailAddress;
  /** The address's domain (ASCII). */
  domain: string;
  /** What fills placeholders: always the real address (it never leaves the machine through this). */
  who: PlaceholderValues;
  resolver: Resolver;
  lookup: HostLookup;
  fetch: Fetcher;
  timeoutMs: number;
  maxBytes: number;
  sendAddress: boolean;
  /** ISPDB base URL, or null when --no-ispdb. */
  ispdbUrl: string | null;
  /** --trust-host names, lower case: an unverified source may name any port on them. */
  trustHosts: ReadonlySet<string>;
  /** A signal for one step: the step timeout under the run's signal. */
  step(): AbortSignal;
}

export interface ChannelTrust {
  trust: Trust;
  trustReason: TrustReason;
}

/** Where a source's answer stands when the DNS step did not give records. */
export function dnsSourceStatus(status: DnsStatus, missing: SourceStatus = 'not-found'): SourceStatus {
  switch (status) {
    case 'records':
      return 'found';
    case 'nodata':
    case 'nxdomain':
      return missing;
    case 'servfail':
    case 'error':
      return 'servfail';
    case 'refused':
      return 'refused';
    case 'timeout':
      return 'timeout';
    case 'unreachable':
      return 'unreachable';
  }
}

/** The status of a fetch that produced no usable 2xx body, or undefined when there is a body to read. */
/** A parser's failure as a source's `invalid`: the reason, what the doctor found, text from elsewhere. */
export function invalidOf<R extends string>(p: ParseFailed<R>): ParseFailed<R> {
  return { reason: p.reason, ...(p.detail ? { detail: p.detail } : {}), ...(p.why ? { why: p.why } : {}) };
}

export function httpFailureStatus(o: HttpOutcome): SourceStatus | undefined {
  if (o.dns) return dnsSourceStatus(o.dns.status);
  if (o.error) {
    switch (o.error.code) {
      // Nothing listens there: a definite "not published here", not "could not look".
      case 'REFUSED':
        return 'not-found';
      case 'TIMEOUT':
      case 'ABORTED':
        return 'timeout';
      case 'HTTP_TLS':
        return 'tls-error';
      case 'HOST_UNREACHABLE':
      case 'NET_UNREACHABLE':
      case 'ADDR_NOT_AVAILABLE':
        return 'unreachable';
      case 'HTTP_TOO_LARGE':
        return 'invalid';
      // Not asked at all: imap-doctor does not go there (see `refused`).
      case 'POLICY_REFUSED':
        return 'skipped';
      default:
        return 'http-error';
    }
  }
  if (o.status === 404 || o.status === 410) return 'not-found';
  if (o.status === undefined || o.status < 200 || o.status > 299) return 'http-error';
  return undefined;
}

function hopHost(hop: HttpHop): string | undefined {
  try {
    return new URL(hop.url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/**
 * Channel trust of a fetch: plain http anywhere, or a hop that left `home` (a registrable domain),
 * makes it unverified; otherwise the trust the source has by nature (`secure`).
 */
export function fetchTrust(o: HttpOutcome, home: string, secure: ChannelTrust): ChannelTrust {
  const first = o.hops[0]?.url ?? o.finalUrl;
  if (first.startsWith('http:')) return { trust: 'unverified', trustReason: 'http' };
  if (o.insecure) return { trust: 'unverified', trustReason: 'redirect-to-http' };
  const homeBase = registrableDomain(home);
  if (
    o.hops.some((h) => {
      const host = hopHost(h);
      return host !== undefined && registrableDomain(host) !== homeBase;
    })
  ) {
    return { trust: 'unverified', trustReason: 'redirect-off-domain' };
  }
  return secure;
}

/** The fields of a SourceResult every HTTP source fills the same way. */
export function httpFacts(
  o: HttpOutcome,
): Pick<SourceResultBase, 'hops' | 'httpStatus' | 'error' | 'refused'> & { facts: HttpStepFacts } {
  const facts: HttpStepFacts = {};
  if (o.date) facts.httpDate = o.date;
  if (o.contentType) facts.contentType = o.contentType;
  if (o.dns) {
    facts.dnsName = o.dns.name;
    facts.dnsStatus = o.dns.status;
  }
  if (o.finalUrl !== o.hops[0]?.url) facts.finalUrl = o.finalUrl;
  return {
    hops: o.hops,
    ...(o.status !== undefined ? { httpStatus: o.status } : {}),
    ...(o.error ? { error: o.error } : {}),
    ...(o.refused ? { refused: [o.refused] } : {}),
    facts,
  };
}

/** The SourceResult of a fetch before its body is read: status 'found', channel trust, hops, facts. */
export function fetchedResult<S extends SourceId>(
  source: S,
  query: string,
  o: HttpOutcome,
  t0: number,
  home: string,
  secure: ChannelTrust,
): SourceResultBase & { source: S; facts: HttpStepFacts } {
  const { facts, ...http } = httpFacts(o);
  return {
    source,
    query,
    status: 'found',
    ms: Math.round(performance.now() - t0),
    servers: [],
    ...fetchTrust(o, home, secure),
    ...http,
    facts,
  };
}

/** A SourceResult for a source that did not run (disabled by an option, or nothing to ask), with the reason code. */
export function notRun<S extends SourceId>(
  source: S,
  query: string,
  status: 'disabled' | 'skipped',
  reason: ReasonOf<S>,
): SourceResultBase & { source: S; facts: { reason: ReasonOf<S> } } {
  return { source, query, status, ms: 0, servers: [], trust: 'trusted', trustReason: 'not-run', facts: { reason } };
}
