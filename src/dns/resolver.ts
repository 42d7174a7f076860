/**
 * The DNS contract the rest of imap-doctor uses: a Resolver answers every question with a classified
 * DnsAnswer and never throws for network or DNS failures, so "nothing found" is never confused with
 * "could not look". Also the shared helpers: record shapes, server-spec parsing for `--dns`, and the
 * system's name servers from /etc/resolv.conf.
 */
import { isLoopback } from '../util/ip.js';
import { thrown } from '../errors/classify.js';
import { abortReason } from '../util/deadline.js';
import { ipVersion } from '../address.js';
import { getServers } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { DnsAnswer, DnsStatus, DnsWhy, InvalidNameWhy, MxRecord, SrvRecord } from '../model/evidence.js';
import type { TlsaRecord } from '../model/standards.js';

export type RecordType = 'A' | 'AAAA' | 'SRV' | 'MX' | 'TXT' | 'CNAME' | 'SOA' | 'NS' | 'TLSA';

export interface SoaRecord {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** The shape of one entry of `records` for each record type. */
export interface RecordTypeMap {
  A: string;
  AAAA: string;
  SRV: SrvRecord;
  MX: MxRecord;
  /** The character-strings of one TXT record joined without a separator (RFC 7208 §3.3 style). */
  TXT: string;
  CNAME: string;
  NS: string;
  SOA: SoaRecord;
  TLSA: TlsaRecord;
}

/**
 * A DnsAnswer plus what the packet resolver can say on top of it. Assignable to DnsAnswer.
 * Abort handling: an aborted query settles at once with status 'timeout' and `aborted: true`
 * (the caller's deadline is a timeout from the user's point of view); it never rejects.
 */
export interface DnsResult<R = unknown> extends DnsAnswer<R> {
  /** CNAME targets followed inside the answer, in order, when the asked name was an alias. */
  cnames?: string[];
  /** Set when the caller's AbortSignal ended the query (status is then 'timeout'). */
  aborted?: true;
  /**
   * An SRV answer's additional section: the A/AAAA records of its targets (RFC 2782 "Usage rules"),
   * only for names the answer names as a target. Lets the cache skip those lookups.
   */
  targetAddresses?: Array<{ name: string; type: 'A' | 'AAAA'; records: string[] }>;
  /**
   * Answered from another answer's additional section (the cache's priming), not asked: DNSSEC's AD bit
   * does not cover that section (RFC 4035 §3.2.3), so a DNSSEC question asks the network instead.
   */
  fromAdditional?: true;
}

export interface Resolver {
  /**
   * Never throws for network/DNS failures: every outcome is a classified DnsAnswer.
   * On abort via `signal` it settles promptly with status 'timeout' and `aborted: true`.
   */
  query<T = unknown>(name: string, type: RecordType, signal?: AbortSignal): Promise<DnsResult<T>>;
  /** The servers asked, in order, as 'ip:port' ('[v6]:port' for IPv6). */
  readonly servers: string[];
}

export interface ServerAddress {
  host: string;
  port: number;
}

/** Thrown by parseServerSpec; the message is one line, fit for a usage error. */
export class ServerSpecError extends Error {
  override name = 'ServerSpecError';
}

const SPEC_FORMS = 'expected an IP address with an optional port: 1.2.3.4, 1.2.3.4:5353, ::1 or [::1]:5353';

function parsePort(text: string, spec: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new ServerSpecError(`invalid DNS server "${spec}": bad port "${text}"`);
  const port = Number(text);
  if (port < 1 || port > 65535)
    throw new ServerSpecError(`invalid DNS server "${spec}": port ${port} is out of range 1-65535`);
  return port;
}

/** Parses a `--dns` value. Host names are rejected: a DNS server must be given by address. */
export function parseServerSpec(spec: string): ServerAddress {
  const s = spec.trim();
  if (s === '') throw new ServerSpecError(`invalid DNS server "": ${SPEC_FORMS}`);
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracketed) {
    const host = bracketed[1] ?? '';
    if (isIP(host) !== 6) throw new ServerSpecError(`invalid DNS server "${spec}": "${host}" is not an IPv6 address`);
    return { host, port: bracketed[2] === undefined ? 53 : parsePort(bracketed[2], spec) };
  }
  if (ipVersion(s) !== 0) return { host: s, port: 53 };
  const colon = s.lastIndexOf(':');
  if (colon > 0 && s.indexOf(':') === colon) {
    const host = s.slice(0, colon);
    if (ipVersion(host) === 4) return { host, port: parsePort(s.slice(colon + 1), spec) };
  }
  throw new ServerSpecError(`invalid DNS server "${spec}": ${SPEC_FORMS}`);
}

/** 'ip:port', with IPv6 in brackets so the port stays unambiguous. */
export function formatServer(server: ServerAddress): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** /etc/resolv.conf, or '' when it cannot be read. */
function readResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

/** glibc's resolver uses at most this many nameserver lines (MAXNS in resolv.h); so do we. */
const MAXNS = 3;

/**
 * The system's DNS servers as 'ip:port': the `nameserver` lines of resolv.conf (the text given, or
 * /etc/resolv.conf), the first three only like glibc. When there are none or the file cannot be read,
 * falls back to `dns.getServers()` (c-ares' view, which also covers platforms without resolv.conf).
 */
export function systemServers(resolvConfText?: string): string[] {
  const text = resolvConfText ?? readResolvConf();
  const found: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)$/.exec(line);
    if (!m?.[1]) continue;
    // resolv.conf may carry an IPv6 zone (fe80::1%eth0); isIP accepts it.
    if (isIP(m[1]) === 0) continue;
    const server = formatServer({ host: m[1], port: 53 });
    if (!found.includes(server)) found.push(server);
    if (found.length === MAXNS) break;
  }
  if (found.length > 0) return found;
  const fallback: string[] = [];
  for (const entry of getServers()) {
    try {
      fallback.push(formatServer(parseServerSpec(entry)));
    } catch {
      // c-ares only reports addresses; an entry we cannot parse is skipped rather than guessed at.
    }
  }
  return fallback;
}

/**
 * May the AD ("authenticated data") bit of answers be believed? Only when the path to the
 * validating resolver cannot be forged on the way: a resolver on this machine (loopback), one the
 * user named with --dns, or resolv.conf's `options trust-ad` (glibc's rule, RFC 6840 §5.7).
 * A café Wi-Fi resolver, or anyone on the path to it, could otherwise set AD on forged answers.
 */
export function adTrustworthy(servers: readonly string[], userNamed: boolean, resolvConfText?: string): boolean {
  if (userNamed) return true;
  const loopback =
    servers.length > 0 &&
    servers.every((s) => {
      try {
        return isLoopback(parseServerSpec(s).host);
      } catch {
        return false;
      }
    });
  if (loopback) return true;
  const text = resolvConfText ?? readResolvConf();
  return text.split(/\r?\n/).some((l) => /^options\s.*\btrust-ad\b/.test(l.trim()));
}

/** The same resolver, with the AD bit cleared from every answer (when it cannot be believed). */
export function withoutAd(r: Resolver): Resolver {
  return {
    servers: r.servers,
    query: async <T = unknown>(name: string, type: RecordType, signal?: AbortSignal) => ({
      ...(await r.query<T>(name, type, signal)),
      ad: false,
    }),
  };
}

/** Lower-case and drop the trailing dot: the form every name in a DnsAnswer takes. */
export function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Why `name` cannot be sent as a question, as a code (RFC 1035 §2.3.4: labels 1-63 octets, name ≤ 255 octets on
 * the wire, i.e. ≤ 253 characters in text form), or undefined when it can. '' is the root.
 */
export function invalidNameReason(name: string): InvalidNameWhy | undefined {
  if (name === '') return undefined;
  if (Buffer.byteLength(name) > 253) return { code: 'name-too-long' };
  for (const label of name.split('.')) {
    if (label.length === 0) return { code: 'empty-label' };
    if (Buffer.byteLength(label) > 63) return { code: 'label-too-long', label: label.slice(0, 20) };
  }
  return undefined;
}

/** A DnsResult without records, for every non-'records' outcome: the resolver's own words, the doctor's reading. */
export function emptyAnswer<T>(
  base: { name: string; type: string; server: string; via: DnsAnswer['via']; ms: number },
  status: Exclude<DnsStatus, 'records'>,
  message?: string,
  why?: DnsWhy,
): DnsResult<T> {
  const answer: DnsResult<T> = { ...base, status, records: [], ad: false };
  if (message !== undefined) answer.message = message;
  if (why) answer.why = why;
  return answer;
}

/** The answer of a query the caller's signal ended: a timeout, with the abort's reason (its own words). */
export function abortedAnswer<T>(
  base: Parameters<typeof emptyAnswer>[0],
  signal: AbortSignal | undefined,
): DnsResult<T> {
  const by = abortReason(signal?.reason);
  const reason = by || signal?.reason === undefined ? undefined : thrown(signal.reason).message;
  const r = emptyAnswer<T>(base, 'timeout', reason, by ? { code: 'dns-aborted', by } : { code: 'dns-aborted' });
  r.aborted = true;
  return r;
}
