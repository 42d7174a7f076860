/**
 * The OS-side resolvers: createSystemResolver asks c-ares (node:dns Resolver) and lookupHost asks
 * getaddrinfo (node:dns lookup: /etc/hosts and nsswitch, what mail apps see). Both classify every
 * outcome into a DnsAnswer, never throw for DNS failures, and are bounded by a timeout and an
 * AbortSignal. Neither can see the AD bit, so `ad` is always false; `server` is 'system'.
 */
import { promises as dnsPromises } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { LIMITS } from '../limits.js';
import { DEFAULTS } from '../options.js';
import type { DnsStatus, DnsWhy, Family, MxRecord, SrvRecord } from '../model/evidence.js';
import {
  abortedAnswer,
  emptyAnswer,
  normalizeName,
  systemServers,
  type DnsResult,
  type RecordType,
  type Resolver,
  type SoaRecord,
} from './resolver.js';
import { thrown } from '../errors/classify.js';

export interface SystemResolverOptions {
  /** Bound for one query, every server and try included. Default 5000. */
  timeoutMs?: number;
  /** Servers as 'ip:port'; default systemServers(). */
  servers?: string[];
}

/** c-ares error codes (node:dns constants) and the status each one means. */
const CARES_STATUS: Record<string, Exclude<DnsStatus, 'records'>> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
  ETIMEOUT: 'timeout',
  ECONNREFUSED: 'unreachable',
};

function errCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function ms(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

type Race<V> =
  { kind: 'value'; value: V } | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'aborted' };

/** Waits for `work`, at most `timeoutMs`, or until `signal` aborts; the timer and listener are always removed. */
function race<V>(work: Promise<V>, timeoutMs: number, signal: AbortSignal | undefined): Promise<Race<V>> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (r: Race<V>): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = (): void => done({ kind: 'aborted' });
    if (signal?.aborted) {
      done({ kind: 'aborted' });
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => done({ kind: 'timeout' }), Math.max(0, timeoutMs));
    work.then(
      (value) => done({ kind: 'value', value }),
      (error: unknown) => done({ kind: 'error', error }),
    );
  });
}

async function caresRecords(
  r: InstanceType<typeof dnsPromises.Resolver>,
  name: string,
  type: RecordType,
): Promise<unknown[]> {
  switch (type) {
    case 'A':
      return r.resolve4(name);
    case 'AAAA':
      return r.resolve6(name);
    case 'SRV':
      return (await r.resolveSrv(name)).map((s): SrvRecord => ({
        priority: s.priority,
        weight: s.weight,
        port: s.port,
        target: normalizeName(s.name),
      }));
    case 'MX':
      return (await r.resolveMx(name)).map((m): MxRecord => ({
        preference: m.priority,
        exchange: normalizeName(m.exchange),
      }));
    case 'TXT':
      return (await r.resolveTxt(name)).map((chunks) => chunks.join(''));
    case 'CNAME':
      return (await r.resolveCname(name)).map(normalizeName);
    case 'NS':
      return (await r.resolveNs(name)).map(normalizeName);
    case 'SOA': {
      const s = await r.resolveSoa(name);
      const soa: SoaRecord = {
        mname: normalizeName(s.nsname),
        rname: normalizeName(s.hostmaster),
        serial: s.serial,
        refresh: s.refresh,
        retry: s.retry,
        expire: s.expire,
        minimum: s.minttl,
      };
      return [soa];
    }
    case 'TLSA':
      // c-ares in Node 20 has no TLSA query; DANE asks the packet resolver (src/dns/dnssec.ts).
      throw new Error('TLSA is not asked through the system resolver');
  }
}

/**
 * A Resolver backed by c-ares, kept as a fallback and for comparison with the packet resolver
 * (which does everything this does plus AD, TCP visibility, per-server detail). One c-ares channel per
 * query, so cancelling on abort or timeout touches only that query.
 */
export function createSystemResolver(options: SystemResolverOptions = {}): Resolver {
  const timeoutMs = Math.max(1, options.timeoutMs ?? 5000);
  const servers = options.servers ?? systemServers();

  async function query<T = unknown>(rawName: string, type: RecordType, signal?: AbortSignal): Promise<DnsResult<T>> {
    const start = performance.now();
    const name = normalizeName(rawName);
    const base = (): { name: string; type: string; server: string; via: 'system'; ms: number } => ({
      name,
      type,
      server: 'system',
      via: 'system',
      ms: ms(start),
    });
    if (servers.length === 0) return emptyAnswer<T>(base(), 'error', undefined, { code: 'dns-no-servers' });
    // c-ares' own timer: one try per server, each try a share of the whole budget.
    const channel = new dnsPromises.Resolver({
      timeout: Math.max(1, Math.floor(timeoutMs / servers.length)),
      tries: 1,
    });
    try {
      channel.setServers(servers);
    } catch (err) {
      return emptyAnswer<T>(base(), 'error', (err as Error).message, { code: 'dns-bad-server-list' });
    }
    const outcome = await race(caresRecords(channel, name, type), timeoutMs, signal);
    if (outcome.kind !== 'value') channel.cancel();
    switch (outcome.kind) {
      case 'value':
        if (outcome.value.length === 0) return emptyAnswer<T>(base(), 'nodata');
        return { ...base(), status: 'records', records: outcome.value.slice(0, LIMITS.dnsRecords) as T[], ad: false };
      case 'timeout':
        return emptyAnswer<T>(base(), 'timeout', undefined, { code: 'dns-no-answer-within', ms: timeoutMs });
      case 'aborted':
        return abortedAnswer<T>(base(), signal);
      case 'error': {
        const code = errCode(outcome.error);
        const status = code !== undefined ? CARES_STATUS[code] : undefined;
        const message = code ?? thrown(outcome.error).message;
        return emptyAnswer<T>(base(), status ?? 'error', message);
      }
    }
  }

  return { query, servers: [...servers] };
}

/** The dns.promises.lookup signature lookupHost needs; replaceable in tests. */
export type LookupAll = (name: string, options: { family: Family; all: true }) => Promise<LookupAddress[]>;

/** A getaddrinfo retry cannot come back sooner than DEFAULTS.gaiTimeoutFloorMs (resolv.conf `timeout:` is at least 1 s). */

/**
 * Classify a getaddrinfo failure. getaddrinfo folds several DNS outcomes together, so:
 * - ENOTFOUND (EAI_NONAME and EAI_NODATA both) → 'nodata': glibc returns EAI_NONAME for a name that
 *   exists without an address of the family (e.g. `localhost` over IPv6 from /etc/hosts) as well as for
 *   NXDOMAIN, so it never proves the name is missing; ask the packet resolver to tell NXDOMAIN apart.
 * - EAI_AGAIN (SERVFAIL, timeout or an unreachable server, indistinguishable) → 'servfail' when it came
 *   back faster than any resolver retry could, 'timeout' otherwise.
 * - EAI_FAIL → 'servfail'; anything else → 'error'.
 */
export function classifyLookupError(
  err: unknown,
  elapsedMs: number,
): { status: Exclude<DnsStatus, 'records'>; message?: string; why?: DnsWhy } {
  const gaiCode = errCode(err) ?? 'UNKNOWN';
  const errno = (err as NodeJS.ErrnoException | undefined)?.errno;
  const g = { gaiCode, ...(typeof errno === 'number' ? { errno } : {}) };
  switch (gaiCode) {
    case 'ENOTFOUND':
      return { status: 'nodata', why: { code: 'gai-nodata', ...g } };
    case 'EAI_AGAIN':
      return elapsedMs < DEFAULTS.gaiTimeoutFloorMs
        ? { status: 'servfail', why: { code: 'gai-again-fast', ...g } }
        : { status: 'timeout', why: { code: 'gai-again-slow', ...g, ms: Math.round(elapsedMs) } };
    case 'EAI_FAIL':
      return { status: 'servfail', why: { code: 'gai-fail', ...g } };
    default:
      return err instanceof Error
        ? { status: 'error', message: thrown(err).message }
        : { status: 'error', message: `getaddrinfo ${gaiCode}${typeof errno === 'number' ? ` (${errno})` : ''}` };
  }
}

/**
 * Resolve `name` the way applications do (getaddrinfo: /etc/hosts, nsswitch, search rules), one family.
 * getaddrinfo cannot be cancelled: on timeout or abort the answer is returned at once and the libuv
 * request finishes in the background (its result is dropped; it may delay process exit until then).
 */
export async function lookupHost(
  name: string,
  family: Family,
  timeoutMs: number,
  signal?: AbortSignal,
  lookup: LookupAll = (n, o) => dnsPromises.lookup(n, o),
): Promise<DnsResult<string>> {
  const start = performance.now();
  const host = normalizeName(name);
  const type = family === 4 ? 'A' : 'AAAA';
  const base = (): { name: string; type: string; server: string; via: 'system'; ms: number } => ({
    name: host,
    type,
    server: 'system',
    via: 'system',
    ms: ms(start),
  });
  const outcome = await race(lookup(host, { family, all: true }), timeoutMs, signal);
  switch (outcome.kind) {
    case 'value': {
      const records = outcome.value
        .filter((a) => a.family === family)
        .map((a) => a.address)
        .slice(0, LIMITS.dnsRecords);
      return records.length > 0
        ? { ...base(), status: 'records', records, ad: false }
        : emptyAnswer<string>(base(), 'nodata', undefined, { code: 'gai-no-family-address' });
    }
    case 'timeout':
      return emptyAnswer<string>(base(), 'timeout', undefined, { code: 'gai-no-answer-within', ms: timeoutMs });
    case 'aborted':
      return abortedAnswer<string>(base(), signal);
    case 'error': {
      const { status, message, why } = classifyLookupError(outcome.error, performance.now() - start);
      return emptyAnswer<string>(base(), status, message, why);
    }
  }
}
