/**
 * Probe errors as versions before this one wrote them, read as today's: where `message` held the
 * doctor's own words (a timeout, a limit, a policy, a missing reply), it becomes `why`, the code with
 * its values (ProbeWhy), and the words come from the catalogue again; the same for an AIA fetch's
 * `error` and a DNS step's `dnsMessage` (→ `dnsWhy`); the own DNS client's notes, once joined with '; ', become
 * `dns-notes`. Words from Node, OpenSSL or the server stay `message`. Only the loader of saved evidence
 * calls this; nothing else parses those strings.
 */
import { PROBE_WHY } from '../catalogue/probe-why.js';
import type { DnsNote, DnsNoteWhy, DnsStatus, ProbeWhy, ProbeWhyCode } from '../model/evidence.js';

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
  [/^aborted: the step timed out$/, () => ({ why: { code: 'dns-aborted', by: 'step' } })],
  [/^aborted: the run deadline was reached$/, () => ({ why: { code: 'dns-aborted', by: 'deadline' } })],
  [/^aborted: interrupted$/, () => ({ why: { code: 'dns-aborted', by: 'interrupted' } })],
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

/** What an old note of the doctor's own DNS client said after its server and TCP prefix: the note, or undefined. */
const NOTE_PATTERNS: Array<[RegExp, (m: RegExpExecArray) => DnsNoteWhy & { message?: string }]> = [
  [/^no reply \((\d+) × (\d+) ms\)$/, (m) => ({ code: 'no-reply', tries: n(m[1]), ms: n(m[2]) })],
  [/^cannot encode the query: (.*)$/s, (m) => ({ code: 'cannot-encode', message: s(m[1]) })],
  [/^malformed reply: (.*)$/s, (m) => ({ code: 'malformed-reply', message: s(m[1]) })],
  [
    /^reply with an unexpected id (\d+|\?)$/,
    (m) => ({ code: 'unexpected-id', ...(m[1] !== '?' ? { id: n(m[1]) } : {}) }),
  ],
  [/^reply without a question section$/, () => ({ code: 'no-question' })],
  [/^reply for another question \((\S*) (\S+)\)$/, (m) => ({ code: 'other-question', qname: s(m[1]), qtype: s(m[2]) })],
  [/^TCP connection closed before a complete reply$/, () => ({ code: 'tcp-closed-early' })],
  [/^(\S+) with EDNS, retried without$/, (m) => ({ code: 'edns-retried', rcode: s(m[1]) })],
  [/^not asked, time budget spent$/, () => ({ code: 'not-asked' })],
  [/^(SERVFAIL|REFUSED)$/, (m) => ({ code: 'status', status: s(m[1]).toLowerCase() as DnsStatus })],
  [/^server answered (\S+)$/, (m) => ({ code: 'rcode', rcode: s(m[1]) })],
  [/^CNAME loop: CNAME (.+)$/s, (m) => ({ code: 'cname-loop', chain: s(m[1]).split(' → ') })],
  [/^undecodable answer: (.*)$/s, (m) => ({ code: 'undecodable-answer', message: s(m[1]) })],
  [/^CNAME (\S+(?: → \S+)+)$/, (m) => ({ code: 'cname-chain', chain: s(m[1]).split(' → ') })],
  [/^invalid name: name longer than 253 characters$/, () => ({ code: 'name-too-long' })],
  [/^invalid name: empty label$/, () => ({ code: 'empty-label' })],
  [/^invalid name: label longer than 63 octets: "(.*)…"$/s, (m) => ({ code: 'label-too-long', label: s(m[1]) })],
];

const SERVER = /^((?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.%\w]+\]):\d{1,5}): (UDP reply truncated, TCP )?(.*)$/s;

/** One part of an old message as a note (a part naming a server is ours whatever it says: the socket's words). */
function noteOf(part: string): DnsNote | undefined {
  const m = SERVER.exec(part);
  const rest = m ? s(m[3]) : part;
  const found = NOTE_PATTERNS.find(([re]) => re.test(rest));
  const said = found
    ? found[1](found[0].exec(rest) as RegExpExecArray)
    : m
      ? { code: 'socket-error' as const, message: rest }
      : undefined;
  if (!said) return undefined;
  return { ...(m ? { server: s(m[1]) } : {}), ...(m?.[2] ? { tcp: true as const } : {}), ...said };
}

/** A part that, in the old words, finished the note before it (two notes joined with '; ' then). */
function joinNote(prev: DnsNote | undefined, part: string): DnsNote | undefined {
  if (prev?.code === 'no-reply' && prev.tries === 1 && part === 'no time left for TCP') {
    const { tries: _t, ...rest } = prev;
    return { ...rest, code: 'no-time-for-tcp', ms: prev.ms };
  }
  const noData = /^no (\S+) record at the end of the chain$/.exec(part);
  if (prev?.code === 'cname-chain' && noData) return { ...prev, code: 'cname-chain-no-data', type: s(noData[1]) };
  return undefined;
}

/** An old message of the doctor's own DNS client (its notes joined with '; ') as dns-notes, or undefined when it is not one. */
export function dnsNotesOfMessage(message: string): Found | undefined {
  const notes: DnsNote[] = [];
  for (const part of message.split('; ')) {
    const prev = notes.at(-1);
    const joined = joinNote(prev, part);
    const note = joined ? undefined : noteOf(part);
    if (joined) notes[notes.length - 1] = joined;
    else if (note) notes.push(note);
    // Words from elsewhere (a socket's, a decoder's) may hold '; ' themselves.
    else if (prev?.message !== undefined) prev.message = `${prev.message}; ${part}`;
    else return undefined;
  }
  return notes.length > 0 ? { why: { code: 'dns-notes', notes } } : undefined;
}

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
const DNS_ERROR_CODES = new Set([
  'NXDOMAIN',
  'NODATA',
  'SERVFAIL',
  'DNS_REFUSED',
  'DNS_TIMEOUT',
  'DNS_UNREACHABLE',
  'DNS_ERROR',
]);
const isDnsError = (o: Record<string, unknown>) => typeof o.code === 'string' && DNS_ERROR_CODES.has(o.code);
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
  const text = key ? (o[key] as string) : undefined;
  const found =
    text === undefined
      ? undefined
      : (whyOfMessage(text) ?? (key === 'dnsMessage' || isDnsError(o) ? dnsNotesOfMessage(text) : undefined));
  if (!key || !whyKey || !found) return out as T;
  delete out[key];
  return { ...out, [whyKey]: found.why, ...(found.message !== undefined ? { [key]: found.message } : {}) } as T;
}
