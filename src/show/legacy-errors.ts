/**
 * Probe errors as versions before this one wrote them, read as today's: where `message` held the
 * doctor's own words (a timeout, a limit, a policy, a missing reply), it becomes `why`, the code with
 * its values (ProbeWhy), and the words come from the catalogue again; the same for an AIA fetch's
 * `error` and a DNS step's `dnsMessage` (→ `dnsWhy`). Words from Node, OpenSSL or the server stay `message`. Only the loader of saved evidence
 * calls this; nothing else parses those strings.
 */
import { PROBE_WHY } from '../catalogue/probe-why.js';
import type { DnsStatus, ProbeWhy, ProbeWhyCode } from '../model/evidence.js';

type Found = { why: ProbeWhy; message?: string };

/** The reasons whose words take no value, by those words (the catalogue's words are the old messages). */
const FIXED_CODES = [
  'step-timeout',
  'run-deadline',
  'interrupted',
  'not-needed',
  'server-closed',
  'closed-in-tls-handshake',
  'no-capability-data',
  'idle-no-continuation',
  'no-address',
  'issuer-too-large',
  'aia-not-http',
  'dns-no-servers',
  'gai-no-family-address',
] as const satisfies readonly ProbeWhyCode[];
const FIXED = new Map<string, ProbeWhy>(
  FIXED_CODES.map((code) => [(PROBE_WHY[code] as (w: ProbeWhy, m?: string) => string)({ code }), { code }]),
);
FIXED.set('no tagged reply', { code: 'no-tagged-reply' });

const n = (s: string | undefined) => Number(s);
const s = (v: string | undefined) => v ?? '';

/** getaddrinfo's code and errno, as the old words held them. */
const gai = (m: RegExpExecArray) => ({ gaiCode: s(m[1]), ...(m[2] !== undefined ? { errno: n(m[2]) } : {}) });

/** The reasons whose words carried values: the pattern and the reason it gives. */
const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => Found]> = [
  [/^a line longer than (\d+) bytes$/, (m) => ({ why: { code: 'line-longer-than', bytes: n(m[1]) } })],
  [/^a line exceeds the maximum of (\d+) bytes$/, (m) => ({ why: { code: 'line-over-max', bytes: n(m[1]) } })],
  [
    /^a literal of (\d+) bytes exceeds the maximum of (\d+)$/,
    (m) => ({ why: { code: 'literal-over-max', bytes: n(m[1]), limit: n(m[2]) } }),
  ],
  [/^a response exceeds the maximum of (\d+) bytes$/, (m) => ({ why: { code: 'response-over-max', bytes: n(m[1]) } })],
  [
    /^more than (\d+) untagged lines before the reply$/,
    (m) => ({ why: { code: 'untagged-over-max', limit: n(m[1]) } }),
  ],
  [/^no tagged reply to (\S+)$/, (m) => ({ why: { code: 'no-tagged-reply', command: s(m[1]) } })],
  [/^no reply to the login$/, () => ({ why: { code: 'no-reply', to: 'login' } })],
  [/^no reply to (EXAMINE|IDLE)$/, (m) => ({ why: { code: 'no-reply', to: m[1] as 'EXAMINE' | 'IDLE' } })],
  [/^OK without a (.+) response$/s, (m) => ({ why: { code: 'ok-without-response', what: s(m[1]) } })],
  [
    /^A: ([a-z]+), AAAA: ([a-z]+)$/,
    (m) => ({ why: { code: 'dns-statuses', a: m[1] as DnsStatus, aaaa: m[2] as DnsStatus } }),
  ],
  [/^not a URL: (.*)$/s, (m) => ({ why: { code: 'not-a-url', url: s(m[1]) } })],
  [/^redirect to a (\S+) URL refused$/, (m) => ({ why: { code: 'redirect-scheme', scheme: s(m[1]) } })],
  [/^redirect to the IP address (\S+) not followed$/, (m) => ({ why: { code: 'redirect-ip', host: s(m[1]) } })],
  [/^redirect to port (\d*) not followed$/, (m) => ({ why: { code: 'redirect-port', port: s(m[1]) } })],
  [/^(\S+) is a private address \(--no-private\)$/, (m) => ({ why: { code: 'private-address', host: s(m[1]) } })],
  [
    /^(\S+) has only private addresses \((.*)\), not connected to \(--no-private\)$/s,
    (m) => ({ why: { code: 'only-private-addresses', host: s(m[1]), addresses: s(m[2]).split(', ') } }),
  ],
  [/^more than (\d+) redirects$/, (m) => ({ why: { code: 'redirect-limit', limit: n(m[1]) } })],
  [/^unusable Location header: (.*)$/s, (m) => ({ why: { code: 'bad-location', location: s(m[1]) } })],
  [/^body larger than (\d+) bytes$/, (m) => ({ why: { code: 'body-too-large', bytes: n(m[1]) } })],
  [/^HTTP (\d{3})$/, (m) => ({ why: { code: 'http-status', status: n(m[1]) } })],
  [
    /^no address for (\S+) \(([a-z]+)\)$/,
    (m) => ({ why: { code: 'lookup-failed', name: s(m[1]), status: m[2] as DnsStatus } }),
  ],
  [/^no answer within (\d+) ms$/, (m) => ({ why: { code: 'dns-no-answer-within', ms: n(m[1]) } })],
  [/^getaddrinfo gave no answer within (\d+) ms$/, (m) => ({ why: { code: 'gai-no-answer-within', ms: n(m[1]) } })],
  [/^bad server list: (.*)$/s, (m) => ({ why: { code: 'dns-bad-server-list' }, message: s(m[1]) })],
  [/^aborted: signal aborted$/, () => ({ why: { code: 'dns-aborted' } })],
  [/^aborted: (.*)$/s, (m) => ({ why: { code: 'dns-aborted' }, message: s(m[1]) })],
  [
    /^getaddrinfo (\S+)(?: \((-?\d+)\))?: no address; getaddrinfo does not say whether the name exists$/,
    (m) => ({ why: { code: 'gai-nodata', ...gai(m) } }),
  ],
  [
    /^getaddrinfo (\S+)(?: \((-?\d+)\))?: temporary failure, returned at once \(SERVFAIL or unreachable server\)$/,
    (m) => ({ why: { code: 'gai-again-fast', ...gai(m) } }),
  ],
  [
    /^getaddrinfo (\S+)(?: \((-?\d+)\))?: temporary failure after (\d+) ms \(timeout or SERVFAIL\)$/,
    (m) => ({ why: { code: 'gai-again-slow', ...gai(m), ms: n(m[3]) } }),
  ],
  [/^getaddrinfo (\S+)(?: \((-?\d+)\))?: non-recoverable failure$/, (m) => ({ why: { code: 'gai-fail', ...gai(m) } })],
  [/^could not read the TLS session: (.*)$/s, (m) => ({ why: { code: 'tls-session-unreadable' }, message: s(m[1]) })],
];

/** One old message as the doctor's reason (and the library words it wrapped), or undefined for words from elsewhere. */
export function whyOfMessage(message: string): Found | undefined {
  const fixed = FIXED.get(message);
  if (fixed) return { why: fixed };
  for (const [re, found] of PATTERNS) {
    const m = re.exec(message);
    if (m) return found(m);
  }
  return undefined;
}

const isProbeError = (o: Record<string, unknown>) =>
  typeof o.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(o.code) && typeof o.message === 'string' && !('why' in o);
const isAia = (o: Record<string, unknown>) =>
  typeof o.completesChain === 'boolean' && typeof o.error === 'string' && !('why' in o);
const isDnsStep = (o: Record<string, unknown>) => typeof o.dnsMessage === 'string' && !('dnsWhy' in o);

/** A copy of saved evidence with every probe error (and AIA fetch error) in today's shape. */
export function upgradeProbeErrors<T>(value: T): T {
  if (Array.isArray(value)) return value.map(upgradeProbeErrors) as T;
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = upgradeProbeErrors(v);
  const [key, whyKey] = isProbeError(o)
    ? ['message', 'why']
    : isAia(o)
      ? ['error', 'why']
      : isDnsStep(o)
        ? ['dnsMessage', 'dnsWhy']
        : [undefined, undefined];
  const found = key ? whyOfMessage(o[key] as string) : undefined;
  if (!key || !whyKey || !found) return out as T;
  delete out[key];
  return { ...out, [whyKey]: found.why, ...(found.message !== undefined ? { [key]: found.message } : {}) } as T;
}
