/**
 * Fetches a settings document over node:https / node:http (global fetch cannot take a CA): host
 * names resolve through the injected HostLookup (the --dns servers or the OS), HTTPS trusts the
 * system roots plus --ca-file, redirects are followed up to a limit with every hop recorded (never
 * to an IP address or an unusual port: a redirect is the answering server's word), headers and body
 * are capped (and never decompressed), --no-private keeps every hop off private addresses, and every
 * failure comes back classified as evidence. Never throws; never sends credentials; bounded by the
 * caller's signal.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { NODE_IO, type Io } from '../io.js';
import { registrableDomain } from './domain.js';
import { classifyError, WhyError } from '../errors/classify.js';
import { LIMITS } from '../limits.js';
import type { HttpHop, RefusedTarget } from '../model/discovery.js';
import type { DnsAnswer, DnsStatus, ProbeError, ProbeWhy } from '../model/evidence.js';
import type { HostLookup } from '../probes/resolve.js';
import { isIP } from 'node:net';
import { OPEN_POLICY, refusedAddress, type AddressPolicy } from '../util/ip.js';
import type { TrustStore } from '../probes/trust.js';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  /**
   * The body to send instead once a redirect leaves the first URL's registrable domain or drops
   * to plain http (the request body may carry the user's address).
   */
  bodyElsewhere?: string;
  headers?: Record<string, string>;
  /** false: a redirect is the answer (its Location recorded), not followed (RFC 8414 metadata). */
  followRedirects?: boolean;
  /** A smaller body cap for this request than the fetcher's (a document with its own limit in LIMITS). */
  maxBytes?: number;
}

export interface HttpOutcome {
  /** Every request made, in order (the first is the URL asked, the last the final answer). */
  hops: HttpHop[];
  finalUrl: string;
  /** Status of the last response, when one came. */
  status?: number;
  /** The body of a 2xx response, UTF-8, when it fitted under the cap. */
  body?: string;
  /** The same body's exact bytes (a digest must see what was served, not its UTF-8 decoding). */
  bodyBytes?: Buffer;
  contentType?: string;
  /** The last response's Date header as an ISO string (clock-skew evidence). */
  date?: string;
  /** The 2xx body was larger than the cap; reading stopped there. */
  tooLarge?: boolean;
  /** The limit the body went over (with tooLarge). */
  maxBytes?: number;
  /** Why no usable response came (DNS, TCP, TLS, redirect limit, timeout). */
  error?: ProbeError;
  /** Set when the failure was the host lookup: its status and the name asked. */
  dns?: { name: string; status: DnsStatus; message?: string };
  /** Some hop went over plain http. */
  insecure: boolean;
  /** A hop not made: a redirect to an IP address or an unusual port, or (--no-private) a private address. */
  refused?: RefusedTarget;
  ms: number;
}

export interface FetcherOptions {
  lookup: HostLookup;
  /** What HTTPS trusts (system roots plus --ca-file): its modern TLS context, shared with the probes. */
  trust: Pick<TrustStore, 'context'>;
  maxBytes: number;
  maxRedirects: number;
  userAgent?: string;
  /** --no-private (hosts the user named exempt); default: every address allowed. */
  policy?: AddressPolicy;
  /** Connect, TLS and the clock; default Node's own (NODE_IO). */
  io?: Io;
}

export type Fetcher = (req: HttpRequest, signal: AbortSignal) => Promise<HttpOutcome>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Which failed lookup status explains "no address" best (a resolver failure beats "no data"). */
const DNS_ORDER: DnsStatus[] = ['timeout', 'unreachable', 'servfail', 'refused', 'error', 'nxdomain', 'nodata'];

/** A hop that must not be made; `target` says what and why. */
class PolicyRefused extends WhyError {
  override name = 'PolicyRefused';
  constructor(
    readonly target: RefusedTarget,
    why: ProbeWhy,
  ) {
    super(why);
  }
}

/** Ports a redirect may lead to: the web's own. */
const REDIRECT_PORTS = new Set(['', '80', '443']);

/** Why this hop must not be made, if it must not (hop 0 is the URL asked, later ones are redirects). */
function hopRefusal(url: URL, hop: number, policy: AddressPolicy): PolicyRefused | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (hop > 0 && isIP(host) !== 0 && !policy.exempt.has(host))
    return new PolicyRefused({ target: url.href, reason: 'ip-literal' }, { code: 'redirect-ip', host });
  if (hop > 0 && !REDIRECT_PORTS.has(url.port))
    return new PolicyRefused({ target: url.href, reason: 'port' }, { code: 'redirect-port', port: url.port });
  if (isIP(host) !== 0 && refusedAddress(policy, host, host))
    return new PolicyRefused({ target: url.href, reason: 'private-address' }, { code: 'private-address', host });
  return undefined;
}

class LookupFailed extends WhyError {
  override name = 'LookupFailed';
  constructor(readonly answer: { name: string; status: DnsStatus; message?: string }) {
    super({ code: 'lookup-failed', name: answer.name, status: answer.status });
  }
}

/** A node:net lookup function over a HostLookup; remembers the failure so it can be reported as DNS evidence. */
export function nodeLookup(lookup: HostLookup, signal: AbortSignal, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const family =
      options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    const asks: Promise<DnsAnswer<string>>[] = [];
    if (family !== 6) asks.push(lookup(hostname, 4, signal));
    if (family !== 4) asks.push(lookup(hostname, 6, signal));
    Promise.all(asks).then(
      (answers) => {
        const all: LookupAddress[] = answers.flatMap((a) =>
          a.status === 'records' ? a.records.map((address) => ({ address, family: a.type === 'AAAA' ? 6 : 4 })) : [],
        );
        const found = all.filter((a) => !refusedAddress(policy, hostname, a.address));
        if (all.length > 0 && found.length === 0) {
          const list = all.map((a) => a.address);
          callback(
            new PolicyRefused(
              { target: hostname, reason: 'private-address' },
              { code: 'only-private-addresses', host: hostname, addresses: list },
            ),
            '',
            0,
          );
          return;
        }
        const first = found[0];
        if (!first) {
          const status = DNS_ORDER.find((s) => answers.some((a) => a.status === s)) ?? 'error';
          const message = answers.map((a) => a.message).find((m) => m !== undefined);
          callback(new LookupFailed({ name: hostname, status, ...(message ? { message } : {}) }), '', 0);
          return;
        }
        if (options.all) (callback as (err: null, addresses: LookupAddress[]) => void)(null, found);
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}

/** What node:http's `createConnection` option takes: (options, callback) → nothing, the stream arriving by callback. */
export type CreateConnection = (options: unknown, callback: (err: Error | null, socket?: Duplex) => void) => undefined;

/**
 * Opens a request's connection through the injected Io instead of node:net: the host name resolved
 * by `lookup` (the run's HostLookup, --no-private applied), then for https TLS with the given trust,
 * verified as https would (SNI for names, the certificate checked against the host).
 */
export function connectionVia(
  io: Io,
  url: URL,
  lookup: LookupFunction,
  signal: AbortSignal,
  secureContext?: tls.SecureContext,
): CreateConnection {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const secure = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  return (_options, callback) => {
    io.connect({ host, port, lookup }, signal).then(
      ({ socket }) => {
        if (!secure) return callback(null, socket);
        const servername = isIP(host) === 0 ? host : undefined;
        callback(
          null,
          io.startTls(socket, {
            host,
            ...(servername ? { servername } : {}),
            ...(secureContext ? { secureContext } : {}),
          }),
        );
      },
      (err: Error) => callback(err),
    );
    return undefined;
  };
}

interface OneResponse {
  status: number;
  location?: string;
  contentType?: string;
  date?: string;
  body?: string;
  bodyBytes?: Buffer;
  tooLarge?: boolean;
}

function isoDate(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The body cap of one request: the fetcher's, or the request's own when smaller. */
function bodyCap(o: FetcherOptions, req: HttpRequest): number {
  return Math.min(o.maxBytes, req.maxBytes ?? o.maxBytes);
}

/** The node:http options of one request: its headers, the header cap, and the connection opened through the injected Io. */
function requestOptions(url: URL, req: HttpRequest, o: FetcherOptions, signal: AbortSignal): https.RequestOptions {
  const secure = url.protocol === 'https:';
  const headers: Record<string, string> = {
    'User-Agent': o.userAgent ?? 'imap-doctor',
    Accept: 'application/xml,text/xml,*/*;q=0.5',
    Connection: 'close',
    ...req.headers,
  };
  if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
  // No agent: the connection (TCP, and TLS for https) is opened through the injected Io, once per request.
  const lookup = nodeLookup(o.lookup, signal, o.policy ?? OPEN_POLICY);
  return {
    method: req.method ?? 'GET',
    headers,
    maxHeaderSize: LIMITS.httpHeaderBytes,
    // Without an agent node:http knows no default port and would write it into the Host header.
    defaultPort: secure ? 443 : 80,
    createConnection: connectionVia(
      o.io ?? NODE_IO,
      url,
      lookup,
      signal,
      secure ? o.trust.context('modern') : undefined,
    ) as NonNullable<https.RequestOptions['createConnection']>,
    signal,
  };
}

/** One request, no redirect handling; rejects with the transport error. */
function requestOnce(url: URL, req: HttpRequest, o: FetcherOptions, signal: AbortSignal): Promise<OneResponse> {
  return new Promise((resolve, reject) => {
    const options = requestOptions(url, req, o, signal);
    const client = url.protocol === 'https:' ? https : http;
    const r = client.request(url, options, (res) => {
      const status = res.statusCode ?? 0;
      const base: OneResponse = { status };
      const location = res.headers.location;
      if (location) base.location = location;
      if (res.headers['content-type']) base.contentType = res.headers['content-type'];
      const date = isoDate(res.headers.date);
      if (date) base.date = date;
      if (status < 200 || status > 299) {
        // Only the headers matter here; a slow-dripping error page must not eat the step.
        resolve(base);
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > bodyCap(o, req)) {
          resolve({ ...base, tooLarge: true });
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ ...base, body: bytes.toString('utf8'), bodyBytes: bytes });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * One turn of the event loop: a request's TLS context (every trusted CA parsed, once per run) is
 * built after the run's first DNS queries have left, not before.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A Fetcher bound to a lookup and trust store. */
export function createFetcher(o: FetcherOptions): Fetcher {
  return async (req, signal) => {
    await nextTurn();
    const clock = (o.io ?? NODE_IO).clock;
    const t0 = clock.mono();
    const hops: HttpHop[] = [];
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return {
        hops,
        finalUrl: req.url,
        error: { code: 'HTTP_ERROR', why: { code: 'not-a-url', url: req.url } },
        insecure: false,
        ms: 0,
      };
    }
    let current: HttpRequest = req;
    let insecure = false;
    const done = (rest: Partial<HttpOutcome>): HttpOutcome => ({
      hops,
      finalUrl: url.href,
      insecure,
      ms: Math.round(clock.mono() - t0),
      ...rest,
    });
    for (;;) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return done({ error: { code: 'HTTP_ERROR', why: { code: 'redirect-scheme', scheme: url.protocol } } });
      }
      const refusal = hopRefusal(url, hops.length, o.policy ?? OPEN_POLICY);
      if (refusal) return done({ error: { code: 'POLICY_REFUSED', why: refusal.why }, refused: refusal.target });
      if (url.protocol === 'http:') insecure = true;
      const hop: HttpHop = { url: url.href };
      hops.push(hop);
      let res: OneResponse;
      try {
        res = await requestOnce(url, current, o, signal);
      } catch (err) {
        return done(failureOf(err, signal));
      }
      hop.status = res.status;
      if (res.location && REDIRECTS.has(res.status)) hop.location = res.location;
      const next = nextHop(res, url, current, req, hops.length, o);
      if (!next) return done(answerOf(res, bodyCap(o, req)));
      if ('stop' in next) return done(next.stop);
      ({ url, current } = next);
    }
  };
}

/**
 * Where a redirect leads after `made` hops: the next URL and the request to send there, or why the
 * fetch stops (redirect limit, unusable Location); undefined when the response is the answer.
 */
function nextHop(
  res: OneResponse,
  url: URL,
  current: HttpRequest,
  req: HttpRequest,
  made: number,
  o: FetcherOptions,
): { url: URL; current: HttpRequest } | { stop: Partial<HttpOutcome> } | undefined {
  if (!REDIRECTS.has(res.status) || !res.location || req.followRedirects === false) return undefined;
  if (made > o.maxRedirects) {
    return {
      stop: {
        status: res.status,
        error: { code: 'HTTP_REDIRECT_LIMIT', why: { code: 'redirect-limit', limit: o.maxRedirects } },
      },
    };
  }
  let next: URL;
  try {
    next = new URL(res.location, url);
  } catch {
    return {
      stop: {
        status: res.status,
        error: { code: 'HTTP_ERROR', why: { code: 'bad-location', location: res.location.slice(0, 200) } },
      },
    };
  }
  // RFC 9110 §15.4.4: 303 means "GET the other resource"; the others keep the method and body.
  if (res.status === 303) return { url: next, current: { ...current, method: 'GET', body: undefined } };
  if (
    current.body !== undefined &&
    current.bodyElsewhere !== undefined &&
    (next.protocol === 'http:' || registrableDomain(next.hostname) !== registrableDomain(new URL(req.url).hostname))
  ) {
    return { url: next, current: { ...current, body: current.bodyElsewhere } };
  }
  return { url: next, current };
}

/** A request that failed, as the outcome says it: refused by policy, a failed lookup (DNS evidence), TLS, or the transport's code. */
function failureOf(err: unknown, signal: AbortSignal): Partial<HttpOutcome> {
  if (err instanceof PolicyRefused) return { error: { code: 'POLICY_REFUSED', why: err.why }, refused: err.target };
  if (err instanceof LookupFailed)
    return {
      error: { code: 'HTTP_ERROR', why: err.why },
      dns: err.answer,
    };
  const e = classifyError(err, signal);
  return { error: e.code.startsWith('TLS_') ? { ...e, code: 'HTTP_TLS' } : e };
}

/** The final answer (no redirect) as the outcome says it. */
function answerOf(res: OneResponse, maxBytes: number): Partial<HttpOutcome> {
  return {
    status: res.status,
    ...(res.contentType ? { contentType: res.contentType } : {}),
    ...(res.date ? { date: res.date } : {}),
    ...(res.body !== undefined ? { body: res.body } : {}),
    ...(res.bodyBytes !== undefined ? { bodyBytes: res.bodyBytes } : {}),
    ...(res.tooLarge
      ? {
          tooLarge: true,
          maxBytes,
          error: { code: 'HTTP_TOO_LARGE' as const, why: { code: 'body-too-large' as const, bytes: maxBytes } },
        }
      : {}),
  };
}
