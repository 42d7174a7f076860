/**
 * The words for a probe error the doctor decided itself (ProbeWhy: a timeout, a limit, a policy, a
 * reply that never came). Evidence and findings carry the code and its values; every renderer prints
 * these words. A library's or server's own words (ProbeError.message) are printed as they came.
 */
import type { DnsNote, DnsNoteCode, DnsNoteWhy, ProbeError, ProbeWhy, ProbeWhyCode } from '../model/evidence.js';
import type { Params, ParamValue } from './types.js';

/** getaddrinfo's code as Node gives it, with its errno. */
/** The doctor's own aborts of a DNS question, worded as their reasons read (util/deadline.ts). */
const ABORTED_BY = { step: 'the step timed out', deadline: 'the run deadline was reached', interrupted: 'interrupted' };
const gai = (w: { gaiCode: string; errno?: number }) =>
  `getaddrinfo ${w.gaiCode}${typeof w.errno === 'number' ? ` (${w.errno})` : ''}`;

type Words<C extends ProbeWhyCode> = (w: Extract<ProbeWhy, { code: C }>, message: string | undefined) => string;

export const PROBE_WHY: { [C in ProbeWhyCode]: Words<C> } = {
  'step-timeout': () => 'no answer within the step timeout',
  'run-deadline': () => 'stopped at the run deadline',
  interrupted: () => 'interrupted',
  'not-needed': () => 'not needed: the other references already answered',
  'server-closed': () => 'the server closed the connection',
  'closed-in-tls-handshake': () => 'the server closed the connection during the TLS handshake',
  'tls-session-unreadable': (_w, m) => `could not read the TLS session: ${m ?? ''}`,
  'line-longer-than': (w) => `a line longer than ${w.bytes} bytes`,
  'line-over-max': (w) => `a line exceeds the maximum of ${w.bytes} bytes`,
  'literal-over-max': (w) => `a literal of ${w.bytes} bytes exceeds the maximum of ${w.limit}`,
  'response-over-max': (w) => `a response exceeds the maximum of ${w.bytes} bytes`,
  'untagged-over-max': (w) => `more than ${w.limit} untagged lines before the reply`,
  'no-capability-data': () => 'no CAPABILITY data in the reply',
  'no-tagged-reply': (w) => (w.command ? `no tagged reply to ${w.command}` : 'no tagged reply'),
  'no-reply': (w) => `no reply to ${w.to === 'login' ? 'the login' : w.to}`,
  'ok-without-response': (w) => `OK without a ${w.what} response`,
  'idle-no-continuation': () => 'IDLE ended without a continuation',
  'dns-statuses': (w) => `A: ${w.a}, AAAA: ${w.aaaa}`,
  'no-address': () => 'no address',
  'not-a-url': (w) => `not a URL: ${w.url}`,
  'redirect-scheme': (w) => `redirect to a ${w.scheme} URL refused`,
  'redirect-ip': (w) => `redirect to the IP address ${w.host} not followed`,
  'redirect-port': (w) => `redirect to port ${w.port} not followed`,
  'private-address': (w) => `${w.host} is a private address (--no-private)`,
  'only-private-addresses': (w) =>
    `${w.host} has only private addresses (${w.addresses.join(', ')}), not connected to (--no-private)`,
  'redirect-limit': (w) => `more than ${w.limit} redirects`,
  'bad-location': (w) => `unusable Location header: ${w.location}`,
  'body-too-large': (w) => `body larger than ${w.bytes} bytes`,
  'http-status': (w) => `HTTP ${w.status}`,
  'issuer-too-large': () => 'issuer certificate larger than 64 KiB',
  'aia-not-http': () => 'only http:// issuer URLs are fetched',
  'lookup-failed': (w) => `no address for ${w.name} (${w.status})`,
  'dns-no-servers': () => 'no DNS servers to ask',
  'dns-bad-server-list': (_w, m) => `bad server list: ${m ?? ''}`,
  'dns-no-answer-within': (w) => `no answer within ${w.ms} ms`,
  'dns-aborted': (w, m) => `aborted: ${w.by ? ABORTED_BY[w.by] : (m ?? 'signal aborted')}`,
  'gai-nodata': (w) => `${gai(w)}: no address; getaddrinfo does not say whether the name exists`,
  'gai-again-fast': (w) => `${gai(w)}: temporary failure, returned at once (SERVFAIL or unreachable server)`,
  'gai-again-slow': (w) => `${gai(w)}: temporary failure after ${w.ms} ms (timeout or SERVFAIL)`,
  'gai-fail': (w) => `${gai(w)}: non-recoverable failure`,
  'gai-no-family-address': () => 'getaddrinfo returned no address of this family',
  'gai-no-answer-within': (w) => `getaddrinfo gave no answer within ${w.ms} ms`,
  'dns-notes': (w) => w.notes.map(dnsNoteText).join('; '),
};

type NoteWords<C extends DnsNoteCode> = (n: Extract<DnsNoteWhy, { code: C }>, message: string) => string;
const cname = (chain: string[]) => `CNAME ${chain.join(' → ')}`;

/** The words of one note of the doctor's own DNS client (DnsNote), without its server and TCP prefix. */
export const DNS_NOTE: { [C in DnsNoteCode]: NoteWords<C> } = {
  'no-reply': (n) => `no reply (${n.tries} × ${n.ms} ms)`,
  'no-time-for-tcp': (n) => `no reply (1 × ${n.ms} ms); no time left for TCP`,
  'socket-error': (_n, m) => m,
  'cannot-encode': (_n, m) => `cannot encode the query: ${m}`,
  'malformed-reply': (_n, m) => `malformed reply: ${m}`,
  'unexpected-id': (n) => `reply with an unexpected id ${n.id ?? '?'}`,
  'no-question': () => 'reply without a question section',
  'other-question': (n) => `reply for another question (${n.qname} ${n.qtype})`,
  'tcp-closed-early': () => 'TCP connection closed before a complete reply',
  'edns-retried': (n) => `${n.rcode} with EDNS, retried without`,
  'not-asked': () => 'not asked, time budget spent',
  status: (n) => n.status.toUpperCase(),
  rcode: (n) => `server answered ${n.rcode}`,
  'cname-loop': (n) => `CNAME loop: ${cname(n.chain)}`,
  'undecodable-answer': (_n, m) => `undecodable answer: ${m}`,
  'cname-chain': (n) => cname(n.chain),
  'cname-chain-no-data': (n) => `${cname(n.chain)}; no ${n.type} record at the end of the chain`,
  'name-too-long': () => 'invalid name: name longer than 253 characters',
  'empty-label': () => 'invalid name: empty label',
  'label-too-long': (n) => `invalid name: label longer than 63 octets: "${n.label}…"`,
};

/** One note in words: `server: ` first when it names one, `UDP reply truncated, TCP ` when TCP gave it. A note carried as JSON (a finding's param) is read first. */
export function dnsNoteText(note: DnsNote | string): string {
  let n: DnsNote;
  try {
    n = typeof note === 'string' ? (JSON.parse(note) as DnsNote) : note;
  } catch {
    return String(note);
  }
  if (!Object.prototype.hasOwnProperty.call(DNS_NOTE, n.code)) return String(note);
  const words = (DNS_NOTE[n.code] as NoteWords<DnsNoteCode>)(n, n.message ?? '');
  return `${n.server !== undefined ? `${n.server}: ` : ''}${n.tcp ? 'UDP reply truncated, TCP ' : ''}${words}`;
}

export function isProbeWhyCode(s: unknown): s is ProbeWhyCode {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(PROBE_WHY, s);
}

/** A ProbeWhy carried as JSON in a list param (one per item), or undefined when it is not one. */
export function probeWhyOf(json: string): ProbeWhy | undefined {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && isProbeWhyCode((v as { code?: unknown }).code)
      ? (v as ProbeWhy)
      : undefined;
  } catch {
    return undefined;
  }
}

function whyWords(why: ProbeWhy, message: string | undefined): string {
  return (PROBE_WHY[why.code] as Words<ProbeWhyCode>)(why, message);
}

/** What a probe error says, in words: the doctor's reason worded, or the library's/server's own text; `none` without an error. */
export function probeErrorText(e: Pick<ProbeError, 'message' | 'why'> | undefined, none = ''): string {
  if (!e) return none;
  return e.why ? whyWords(e.why, e.message) : (e.message ?? '');
}

/**
 * Finding params with each probe error worded: a check carries an error as `<key>` (the library's words)
 * and/or `<key>Why` with its values as `<key>Why<Field>` (errorParams in src/model/reading.ts); the
 * entries read `<key>` as words.
 */
export function wordErrorParams(params: Params): Params {
  let out: Params | undefined;
  for (const [k, code] of Object.entries(params)) {
    if (!k.endsWith('Why') || !isProbeWhyCode(code)) continue;
    const key = k.slice(0, -3);
    const why: Record<string, ParamValue> = { code };
    for (const [f, v] of Object.entries(params))
      if (f.startsWith(k) && f.length > k.length) why[f.charAt(k.length).toLowerCase() + f.slice(k.length + 1)] = v;
    const message = params[key];
    out ??= { ...params };
    out[key] = whyWords(why as unknown as ProbeWhy, typeof message === 'string' ? message : undefined);
  }
  return out ?? params;
}
