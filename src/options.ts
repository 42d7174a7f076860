/**
 * Every option of a run, with its documented default, in one place. The CLI fills RunOptions from
 * argv/env; tests build them directly. Timeouts and limits live here and nowhere else.
 */
import { isIP } from 'node:net';
import { normaliseHost } from './address.js';
import { LIMITS } from './limits.js';
import type { Security } from './model/evidence.js';
import type { AddressPolicy } from './util/ip.js';
import type { Secret } from './util/secret.js';

export type OutputFormat = 'text' | 'json' | 'markdown' | 'html';

/** How bad a finding must be for exit code 1 (--fail-on, for a run and for `show`). */
export const FAIL_ON = ['error', 'warning', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];
export const FAIL_ON_TEXT =
  'exit 1 when a finding is at least this bad (never: only usage, internal and interrupt codes)';

/** What --format accepts, live and in `show`. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'markdown', 'html'];

/** The values --port, --timeout and --deadline (ms) accept, for the command line and the early DNS queries (src/early.ts). */
export const OPTION_RANGES = { port: [1, 65535], timeout: [50, 600_000], deadline: [100, 3_600_000] } as const;

export const DEFAULTS = {
  /** Per network step (DNS query, TCP connect, TLS handshake, one IMAP command, HTTP fetch). */
  timeoutMs: 8000,
  /** The whole run; derived as max(deadlineFloorMs, timeoutMs × deadlineSteps) unless given. */
  deadlineFloorMs: 30_000,
  deadlineSteps: 6,
  /** Endpoints probed at once. */
  concurrency: 8,
  /** Addresses diagnosed at once in a batch (--concurrency). */
  batchConcurrency: 16,
  /** Domains (discoveries) and endpoints a batch keeps shared results of; the oldest finished ones go first. */
  batchSharedEntries: 2000,
  /** Characters of a --batch list read (the rest is ignored): 64 Mi, millions of addresses. */
  batchListChars: 64 * 1024 * 1024,
  /** Endpoints probed at most (ranked candidates beyond this are listed, not probed). */
  maxEndpoints: 8,
  /** Warn when a certificate expires within this many days. */
  expiryWarningDays: 14,
  /** Longest IMAP line read before giving up (bytes); every bound is in src/limits.ts. */
  maxLineBytes: LIMITS.imapLineBytes,
  /** Largest settings document fetched over HTTP (bytes). */
  maxBodyBytes: LIMITS.httpBodyBytes,
  /** HTTP redirects followed per settings URL. */
  maxRedirects: LIMITS.httpRedirects,
  /** DNS retries per server, at least (more when the step leaves room for them). */
  dnsRetries: 1,
  /** Longest wait for one UDP answer before the question is sent again (a lost datagram costs at most this). */
  dnsRetransmitMs: 1000,
  /** The race of getaddrinfo and the own DNS client (src/dns/race.ts): getaddrinfo's answer is awaited at least this long after the other one. */
  dnsRaceGraceMs: 250,
  ispdbUrl: 'https://autoconfig.thunderbird.net/v1.1/',
  imapPorts: { tls: 993, starttls: 143, plain: 143 } as Record<Security, number>,
  failOn: 'error' as FailOn,
  /** Folders from which a first sync is called slow (FOLDERS_MANY). */
  manyFolders: 1000,
  /** After LOGOUT (or a closed conversation) the socket is ended, then destroyed this much later. */
  hangUpGraceMs: 200,
  /** After the login's LOGOUT, how long imapflow may take to close before it is cut. */
  loginCloseGraceMs: 500,
  /** After a refused one-round-trip login (SASL-IR), how long a BYE that follows the refusal is waited for. */
  saslByeGraceMs: 100,
  /** Web-port references start once an IMAP connect has hung for timeoutMs / headStartDivisor, at most headStartMaxMs. */
  headStartMaxMs: 1000,
  headStartDivisor: 4,
  /** The discovery phase gives up after two step timeouts plus this margin. */
  discoveryPhaseSlackMs: 250,
  /** Shortest wait for one DNS try of the built-in resolver (the step timeout is split across tries and servers). */
  dnsTryFloorMs: 100,
  /** Shortest getaddrinfo wait (the OS resolver tries its servers in turn). */
  gaiTimeoutFloorMs: 1000,
  /** getaddrinfo wait for a caller that brings no lookup of its own (the AIA fetch outside a run). */
  fallbackLookupMs: 5000,
  /**
   * A still-answering main thread's head start at the deadline: to print the backstop's report itself before
   * the watchdog process does (a single run), or to exit by itself after the worker printed (a batch).
   */
  backstopExitDelayMs: 100,
} as const;

export interface Credentials {
  user: string;
  password?: Secret;
  oauthToken?: Secret;
  /** Where the secret came from, for the report (never the secret). */
  from: 'env' | 'stdin' | 'prompt' | 'oauth-env' | 'oauth-option' | 'oauth-stdin' | 'credentials-file';
}

export interface RunOptions {
  address: string;
  host?: string;
  port?: number;
  security?: Security;
  user?: string;
  /** null: no credentials available or --no-login. */
  credentials: Credentials | null;
  /** Why there are no credentials (for the report). */
  noLoginReason?: 'disabled' | 'no-password' | 'empty-password' | 'batch';
  /** One address of a batch (--batch): shown in the report's options. */
  batch?: boolean;
  /** Extra trusted CAs, PEM text (from --ca-file). */
  caPem: string[];
  caFiles: string[];
  timeoutMs: number;
  deadlineMs: number;
  /** --resolve host=addr[,addr]: pinned addresses, like curl --resolve. */
  pinned: Record<string, string[]>;
  /** --dns servers (ip:port); empty = system resolver. */
  dnsServers: string[];
  ispdbUrl: string;
  ispdb: boolean;
  sendAddress: boolean;
  guess: boolean;
  discovery: boolean;
  maxEndpoints: number;
  trustHosts: string[];
  /** --oauth-discover: spend one endpoint's login attempt on an empty OAUTHBEARER to learn the token issuer. */
  oauthDiscover: boolean;
  expiryWarningDays: number;
  transcript: boolean;
  redact: boolean;
  /** --sessions: authenticated sessions to hold at once on the endpoint that works (1: only the login itself). */
  sessions: number;
  /** --no-private: no connection to loopback, link-local, private, ULA or unspecified addresses (user-named hosts exempt). */
  noPrivate: boolean;
  /**
   * --reference host:port: an IMAP server the user knows works. Connected to (TCP only, nothing
   * sent) when an IMAP port of the server gets no answer: silent too, the user's network blocks mail.
   */
  reference?: Reference;
  /** Port used for the reference checks when an IMAP port times out (tests override). */
  referencePorts: number[];
  /** Override of where the port numbers of guesses and --host probes come from (tests). */
  imapPorts: Record<Security, number>;
}

/** A server named with --reference (host in normalised form: ASCII, IPv6 without brackets). */
export interface Reference {
  host: string;
  port: number;
}

export const REFERENCE_TEXT =
  'an IMAP server you know works (default port 993): when the server does not answer, this tells whether your network blocks mail (connects only, sends nothing)';

/** --reference as typed: `host`, `host:port`, `[v6]:port` or a bare IPv6 address; throws a one-line Error. */
export function parseReference(value: string): Reference {
  const bad = (why: string) =>
    new Error(`--reference "${value}" ${why} (expected e.g. imap.example.net:993 or [2001:db8::10]:993)`);
  const v = value.trim();
  const m = isIP(v) === 6 ? null : /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(v);
  if (isIP(v) !== 6 && !m) throw bad('is not host:port');
  const hostPart = m ? (m[1] ?? '') : v;
  const portPart = m?.[2];
  const host = normaliseHost(hostPart);
  if (!host) throw bad('has no valid host name or IP address');
  if (portPart === undefined) return { host, port: DEFAULTS.imapPorts.tls };
  if (!/^\d{1,5}$/.test(portPart) || Number(portPart) < 1 || Number(portPart) > 65535)
    throw bad('has no port between 1 and 65535');
  return { host, port: Number(portPart) };
}

/** 'host:port', IPv6 in brackets (how a reference is shown and echoed). */
export function referenceText(r: Reference): string {
  return `${isIP(r.host) === 6 ? `[${r.host}]` : r.host}:${r.port}`;
}

export function deadlineFor(timeoutMs: number): number {
  return Math.max(DEFAULTS.deadlineFloorMs, timeoutMs * DEFAULTS.deadlineSteps);
}

/** RunOptions with defaults, for tests and the CLI. */
export function defaultRunOptions(address: string, over: Partial<RunOptions> = {}): RunOptions {
  const timeoutMs = over.timeoutMs ?? DEFAULTS.timeoutMs;
  return {
    address,
    credentials: null,
    caPem: [],
    caFiles: [],
    timeoutMs,
    deadlineMs: over.deadlineMs ?? deadlineFor(timeoutMs),
    pinned: {},
    dnsServers: [],
    ispdbUrl: DEFAULTS.ispdbUrl,
    ispdb: true,
    sendAddress: false,
    guess: false,
    discovery: true,
    maxEndpoints: DEFAULTS.maxEndpoints,
    trustHosts: [],
    oauthDiscover: false,
    expiryWarningDays: DEFAULTS.expiryWarningDays,
    transcript: false,
    redact: false,
    sessions: 1,
    noPrivate: false,
    referencePorts: [443, 80],
    imapPorts: { ...DEFAULTS.imapPorts },
    ...over,
  };
}

/** Where connections may go: --no-private, with every host and address the user named exempt. */
export function addressPolicy(
  o: Pick<RunOptions, 'noPrivate' | 'host' | 'reference' | 'trustHosts' | 'pinned' | 'ispdb' | 'ispdbUrl'>,
): AddressPolicy {
  const exempt = new Set<string>(
    [
      ...(o.host ? [o.host] : []),
      ...(o.reference ? [o.reference.host] : []),
      ...o.trustHosts,
      ...Object.keys(o.pinned),
      ...Object.values(o.pinned).flat(),
    ].map((h) => h.toLowerCase()),
  );
  if (o.ispdb && URL.canParse(o.ispdbUrl.replace(/\{\{domain\}\}/g, 'x')))
    exempt.add(new URL(o.ispdbUrl.replace(/\{\{domain\}\}/g, 'x')).hostname.replace(/^\[|\]$/g, '').toLowerCase());
  return { noPrivate: o.noPrivate, exempt };
}

/** The ports an unverified source may name for IMAP: the standard ones and the one the user named. */
export function allowedPorts(o: Pick<RunOptions, 'imapPorts' | 'port'>): ReadonlySet<number> {
  return new Set([...Object.values(o.imapPorts), ...(o.port !== undefined ? [o.port] : [])]);
}

/** What the user typed that a report shows: never partially masked by the secret scrubber. */
export function typedValues(o: Pick<RunOptions, 'address' | 'user' | 'host' | 'port'>): string[] {
  return [
    o.address,
    ...(o.user ? [o.user] : []),
    ...(o.host ? [o.host] : []),
    ...(o.port !== undefined ? [String(o.port)] : []),
  ];
}
