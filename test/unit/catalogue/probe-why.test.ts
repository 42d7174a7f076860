/**
 * The doctor's own reasons for a probe failure (ProbeWhy) are worded once, in the catalogue: every code
 * renders, findings carry codes and values and read as words, and no site in src/ builds a probe error
 * (or a WireError) with the doctor's own words.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DNS_NOTE,
  PROBE_WHY,
  dnsNoteText,
  probeErrorText,
  probeWhyOf,
  wordErrorParams,
} from '../../../src/catalogue/probe-why.js';
import { renderEntry } from '../../../src/catalogue/index.js';
import type { DnsNote, ProbeWhy } from '../../../src/model/evidence.js';
import { errorParams } from '../../../src/model/reading.js';
import { dnsNotesOfMessage, upgradeProbeErrors, whyOfMessage } from '../../../src/show/legacy-errors.js';

/** One example per code, with the words printed before the codes existed. */
const EXAMPLES: Array<[ProbeWhy, string]> = [
  [{ code: 'step-timeout' }, 'no answer within the step timeout'],
  [{ code: 'run-deadline' }, 'stopped at the run deadline'],
  [{ code: 'interrupted' }, 'interrupted'],
  [{ code: 'not-needed' }, 'not needed: the other references already answered'],
  [{ code: 'server-closed' }, 'the server closed the connection'],
  [{ code: 'closed-in-tls-handshake' }, 'the server closed the connection during the TLS handshake'],
  [{ code: 'line-longer-than', bytes: 8192 }, 'a line longer than 8192 bytes'],
  [{ code: 'line-over-max', bytes: 65536 }, 'a line exceeds the maximum of 65536 bytes'],
  [{ code: 'literal-over-max', bytes: 9, limit: 8 }, 'a literal of 9 bytes exceeds the maximum of 8'],
  [{ code: 'response-over-max', bytes: 100 }, 'a response exceeds the maximum of 100 bytes'],
  [{ code: 'untagged-over-max', limit: 1000 }, 'more than 1000 untagged lines before the reply'],
  [{ code: 'no-capability-data' }, 'no CAPABILITY data in the reply'],
  [{ code: 'no-tagged-reply', command: 'AUTHENTICATE' }, 'no tagged reply to AUTHENTICATE'],
  [{ code: 'no-tagged-reply' }, 'no tagged reply'],
  [{ code: 'no-reply', to: 'login' }, 'no reply to the login'],
  [{ code: 'no-reply', to: 'EXAMINE' }, 'no reply to EXAMINE'],
  [{ code: 'no-reply', to: 'IDLE' }, 'no reply to IDLE'],
  [{ code: 'ok-without-response', what: 'NAMESPACE' }, 'OK without a NAMESPACE response'],
  [{ code: 'idle-no-continuation' }, 'IDLE ended without a continuation'],
  [{ code: 'dns-statuses', a: 'nxdomain', aaaa: 'timeout' }, 'A: nxdomain, AAAA: timeout'],
  [{ code: 'no-address' }, 'no address'],
  [{ code: 'not-a-url', url: 'ht!tp' }, 'not a URL: ht!tp'],
  [{ code: 'redirect-scheme', scheme: 'ftp:' }, 'redirect to a ftp: URL refused'],
  [{ code: 'redirect-ip', host: '10.0.0.1' }, 'redirect to the IP address 10.0.0.1 not followed'],
  [{ code: 'redirect-port', port: '8080' }, 'redirect to port 8080 not followed'],
  [{ code: 'private-address', host: '10.0.0.1' }, '10.0.0.1 is a private address (--no-private)'],
  [
    { code: 'only-private-addresses', host: 'h.example', addresses: ['10.0.0.1', 'fd00::1'] },
    'h.example has only private addresses (10.0.0.1, fd00::1), not connected to (--no-private)',
  ],
  [{ code: 'redirect-limit', limit: 5 }, 'more than 5 redirects'],
  [{ code: 'bad-location', location: 'http://[' }, 'unusable Location header: http://['],
  [{ code: 'body-too-large', bytes: 65536 }, 'body larger than 65536 bytes'],
  [{ code: 'http-status', status: 404 }, 'HTTP 404'],
  [{ code: 'issuer-too-large' }, 'issuer certificate larger than 64 KiB'],
  [{ code: 'aia-not-http' }, 'only http:// issuer URLs are fetched'],
  [{ code: 'lookup-failed', name: 'h.example', status: 'nxdomain' }, 'no address for h.example (nxdomain)'],
  [{ code: 'dns-no-servers' }, 'no DNS servers to ask'],
  [{ code: 'dns-no-answer-within', ms: 2000 }, 'no answer within 2000 ms'],
  [{ code: 'dns-aborted' }, 'aborted: signal aborted'],
  [{ code: 'dns-aborted', by: 'step' }, 'aborted: the step timed out'],
  [{ code: 'dns-aborted', by: 'deadline' }, 'aborted: the run deadline was reached'],
  [{ code: 'dns-aborted', by: 'interrupted' }, 'aborted: interrupted'],
  [
    { code: 'gai-nodata', gaiCode: 'ENOTFOUND', errno: -3008 },
    'getaddrinfo ENOTFOUND (-3008): no address; getaddrinfo does not say whether the name exists',
  ],
  [
    { code: 'gai-again-fast', gaiCode: 'EAI_AGAIN', errno: -3001 },
    'getaddrinfo EAI_AGAIN (-3001): temporary failure, returned at once (SERVFAIL or unreachable server)',
  ],
  [
    { code: 'gai-again-slow', gaiCode: 'EAI_AGAIN', ms: 5003 },
    'getaddrinfo EAI_AGAIN: temporary failure after 5003 ms (timeout or SERVFAIL)',
  ],
  [{ code: 'gai-fail', gaiCode: 'EAI_FAIL', errno: -3007 }, 'getaddrinfo EAI_FAIL (-3007): non-recoverable failure'],
  [{ code: 'gai-no-family-address' }, 'getaddrinfo returned no address of this family'],
  [{ code: 'gai-no-answer-within', ms: 3000 }, 'getaddrinfo gave no answer within 3000 ms'],
];
/** Reasons that wrap the library's words (tested with them below). */
const WRAPPING: Array<[ProbeWhy, string, string]> = [
  [{ code: 'tls-session-unreadable' }, 'bad DER', 'could not read the TLS session: bad DER'],
  [{ code: 'dns-bad-server-list' }, 'bad IP', 'bad server list: bad IP'],
  [{ code: 'dns-aborted' }, 'socket hang up', 'aborted: socket hang up'],
];

describe('PROBE_WHY: the words of the doctor’s own probe errors', () => {
  it('has an example for every code', () => {
    const codes = [...EXAMPLES, ...WRAPPING].map(([w]) => w.code);
    expect(new Set([...codes, 'dns-notes'])).toEqual(new Set(Object.keys(PROBE_WHY)));
  });

  it('docs/report.schema.json lists exactly these codes', () => {
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../../docs/report.schema.json'), 'utf8')) as {
      $defs: { probeWhy: { properties: { code: { enum: string[] } } } };
    };
    expect(new Set(schema.$defs.probeWhy.properties.code.enum)).toEqual(new Set(Object.keys(PROBE_WHY)));
  });

  for (const [why, words] of EXAMPLES) {
    it(`${why.code}: worded as before, the same through finding params and back from old evidence`, () => {
      expect(probeErrorText({ why })).toBe(words);
      expect(wordErrorParams(errorParams('error', { why })).error).toBe(words);
      expect(probeErrorText({ why: probeWhyOf(JSON.stringify(why)) ?? { code: 'no-address' } })).toBe(words);
      expect(whyOfMessage(words)).toEqual({ why });
    });
  }

  for (const [why, message, words] of WRAPPING) {
    it(`${why.code}: keeps the library’s words beside the reason that wraps them`, () => {
      const e = { why, message };
      expect(probeErrorText(e)).toBe(words);
      expect(wordErrorParams(errorParams('error', e)).error).toBe(words);
      expect(whyOfMessage(words)).toEqual(e);
    });
  }

  it('prints a library or server message as it came, and leaves it alone when reading old evidence', () => {
    expect(probeErrorText({ message: 'connect ECONNREFUSED 127.0.0.1:1' })).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(errorParams('detail', { message: 'x' })).toEqual({ detail: 'x' });
    expect(whyOfMessage('connect ECONNREFUSED 127.0.0.1:1')).toBeUndefined();
    expect(whyOfMessage('A1 NO [AUTHENTICATIONFAILED] Invalid credentials')).toBeUndefined();
    expect(probeWhyOf('not json')).toBeUndefined();
    expect(probeWhyOf('{"code":"no-such-code"}')).toBeUndefined();
  });

  it('a finding carries the code and its values, and its texts read the words', () => {
    const params = errorParams('detail', { why: { code: 'dns-statuses', a: 'timeout', aaaa: 'timeout' } });
    expect(params).toEqual({ detailWhy: 'dns-statuses', detailWhyA: 'timeout', detailWhyAaaa: 'timeout' });
    const t = renderEntry('DNS_LOOKUP_FAILED', { status: 'timeout', ...params }, { host: 'imap.example.com' });
    expect(JSON.stringify(t)).toContain('A: timeout, AAAA: timeout');
  });
});

// ---------------------------------------------------------------- no free English at the sites

const SRC = path.resolve(__dirname, '../../../src');
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
}
/** Where probe errors are built: what gathers evidence, the error translator, the checks and the report. */
const SITES = ['probes/', 'discovery/', 'errors/', 'checks/', 'report/'];
/** Thrown words that are no probe error's reason: a doctor bug (INTERNAL, with its text) or a usage error. */
const ALLOWED_THROWS = new Set([
  'probes/imapflow-adapter.ts', // imapflow changed under the doctor: a bug report, INTERNAL
  'probes/x509.ts', // the DER reader's own error, wrapped by tls-session-unreadable
  'probes/sync/channel.ts', // a programming error, INTERNAL
  'checks/types.ts', // a check that reads evidence it did not declare: a programming error, INTERNAL
  'discovery/cli-options.ts', // command-line usage errors, never evidence
  'discovery/ispdb-url.ts', // --ispdb-url usage errors (shared with the early-DNS launcher), never evidence
]);

describe('no probe error is built with the doctor’s own words', () => {
  const files = sources(SRC)
    .map((f) => ({ rel: path.relative(SRC, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }))
    .filter((f) => SITES.some((s) => f.rel.startsWith(s)));

  it('no `message:` given a string literal (use why: a ProbeWhy code; the words go in PROBE_WHY)', () => {
    const found = files.flatMap((f) =>
      [...f.text.matchAll(/\bmessage:\s*['`"][^\n]*/g)].map((m) => `${f.rel}: ${m[0].slice(0, 80)}`),
    );
    expect(found).toEqual([]);
  });

  it('no Error or WireError thrown with words, outside the allow-list of doctor bugs and usage errors', () => {
    const found = files
      .filter((f) => !ALLOWED_THROWS.has(f.rel))
      .flatMap((f) =>
        [...f.text.matchAll(/new (?:Error|WireError)\(\s*['`"][^\n]*/g)].map((m) => `${f.rel}: ${m[0].slice(0, 80)}`),
      );
    expect(found).toEqual([]);
  });
});

// ---------------------------------------------------------------- the own DNS client's notes

const S1 = '192.0.2.1:53';
const S6 = '[2001:db8::1]:5353';
/** One example per note code, with the words the DNS client wrote into `message` before the codes existed. */
const NOTES: Array<[DnsNote, string]> = [
  [{ server: S1, code: 'no-reply', tries: 2, ms: 2000 }, `${S1}: no reply (2 × 2000 ms)`],
  [
    { server: S1, tcp: true, code: 'no-reply', tries: 1, ms: 200 },
    `${S1}: UDP reply truncated, TCP no reply (1 × 200 ms)`,
  ],
  [
    { server: S1, tcp: true, code: 'no-time-for-tcp', ms: 100 },
    `${S1}: UDP reply truncated, TCP no reply (1 × 100 ms); no time left for TCP`,
  ],
  [{ server: S6, code: 'socket-error', message: 'ECONNREFUSED' }, `${S6}: ECONNREFUSED`],
  [
    { server: S1, tcp: true, code: 'socket-error', message: 'ECONNREFUSED' },
    `${S1}: UDP reply truncated, TCP ECONNREFUSED`,
  ],
  [{ server: S1, code: 'cannot-encode', message: 'bad label' }, `${S1}: cannot encode the query: bad label`],
  [
    { server: S1, code: 'malformed-reply', message: 'Cannot decode name (bad pointer)' },
    `${S1}: malformed reply: Cannot decode name (bad pointer)`,
  ],
  [{ server: S1, code: 'unexpected-id', id: 4711 }, `${S1}: reply with an unexpected id 4711`],
  [{ server: S1, code: 'unexpected-id' }, `${S1}: reply with an unexpected id ?`],
  [{ server: S1, code: 'no-question' }, `${S1}: reply without a question section`],
  [
    { server: S1, code: 'other-question', qname: 'evil.example', qtype: 'A' },
    `${S1}: reply for another question (evil.example A)`,
  ],
  [
    { server: S1, tcp: true, code: 'tcp-closed-early' },
    `${S1}: UDP reply truncated, TCP TCP connection closed before a complete reply`,
  ],
  [{ server: S1, code: 'edns-retried', rcode: 'FORMERR' }, `${S1}: FORMERR with EDNS, retried without`],
  [{ server: S1, code: 'not-asked' }, `${S1}: not asked, time budget spent`],
  [{ server: S1, code: 'status', status: 'servfail' }, `${S1}: SERVFAIL`],
  [{ server: S1, code: 'status', status: 'refused' }, `${S1}: REFUSED`],
  [{ server: S1, code: 'rcode', rcode: 'RCODE_11' }, `${S1}: server answered RCODE_11`],
  [
    { server: S1, code: 'cname-loop', chain: ['a.example', 'b.example'] },
    `${S1}: CNAME loop: CNAME a.example → b.example`,
  ],
  [{ server: S1, code: 'undecodable-answer', message: 'bad TLSA' }, `${S1}: undecodable answer: bad TLSA`],
  [{ code: 'cname-chain', chain: ['mail.example', 'imap.example'] }, 'CNAME mail.example → imap.example'],
  [
    { code: 'cname-chain-no-data', chain: ['mail.example', 'gone.example'], type: 'AAAA' },
    'CNAME mail.example → gone.example; no AAAA record at the end of the chain',
  ],
  [{ code: 'undecodable-answer', message: 'bad TLSA' }, 'undecodable answer: bad TLSA'],
  [{ code: 'name-too-long' }, 'invalid name: name longer than 253 characters'],
  [{ code: 'empty-label' }, 'invalid name: empty label'],
  [
    { code: 'label-too-long', label: 'x'.repeat(20) },
    `invalid name: label longer than 63 octets: "${'x'.repeat(20)}…"`,
  ],
];

describe('DNS_NOTE: the words of the own DNS client’s notes', () => {
  it('has an example for every note code, and the schema lists exactly these codes', () => {
    expect(new Set(NOTES.map(([n]) => n.code))).toEqual(new Set(Object.keys(DNS_NOTE)));
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../../docs/report.schema.json'), 'utf8')) as {
      $defs: { dnsNote: { properties: { code: { enum: string[] } } } };
    };
    expect(new Set(schema.$defs.dnsNote.properties.code.enum)).toEqual(new Set(Object.keys(DNS_NOTE)));
  });

  for (const [note, words] of NOTES) {
    it(`${note.code}${note.tcp ? ' (TCP)' : ''}: worded as before, through finding params and back from old words`, () => {
      const why: ProbeWhy = { code: 'dns-notes', notes: [note] };
      expect(dnsNoteText(note)).toBe(words);
      expect(dnsNoteText(JSON.stringify(note))).toBe(words);
      expect(probeErrorText({ why })).toBe(words);
      expect(wordErrorParams(errorParams('detail', { why })).detail).toBe(words);
      expect(dnsNotesOfMessage(words)).toEqual({ why });
    });
  }

  it('several servers’ notes read as one message joined with "; ", in order, and back', () => {
    const notes: DnsNote[] = [
      { server: S1, code: 'no-reply', tries: 2, ms: 100 },
      { server: S6, code: 'edns-retried', rcode: 'NOTIMP' },
      { server: S6, code: 'socket-error', message: 'send EPERM; odd words' },
      { code: 'cname-chain-no-data', chain: ['mail.example', 'imap.example'], type: 'A' },
    ];
    const words =
      `${S1}: no reply (2 × 100 ms); ${S6}: NOTIMP with EDNS, retried without; ${S6}: send EPERM; odd words; ` +
      'CNAME mail.example → imap.example; no A record at the end of the chain';
    const why: ProbeWhy = { code: 'dns-notes', notes };
    expect(probeErrorText({ why })).toBe(words);
    const params = errorParams('detail', { why });
    expect(params.detailWhy).toBe('dns-notes');
    expect(params.detailWhyNotes).toEqual(notes.map((n) => JSON.stringify(n)));
    expect(wordErrorParams(params).detail).toBe(words);
    expect(dnsNotesOfMessage(words)).toEqual({ why });
    const t = renderEntry('DNS_LOOKUP_FAILED', { status: 'timeout', ...params }, { host: 'imap.example.com' });
    expect(t.explanation).toContain(`(timeout: ${words})`);
  });

  it('old evidence: DNS errors and DNS steps are read back as notes; other words are left alone', () => {
    const old = {
      resolve: { code: 'DNS_TIMEOUT', message: `${S1}: no reply (2 × 2000 ms)` },
      facts: { dnsStatus: 'servfail', dnsMessage: `${S1}: SERVFAIL` },
      sys: { dnsStatus: 'servfail', dnsMessage: 'ESERVFAIL' },
      tcp: { code: 'REFUSED', message: `${S1}: ECONNREFUSED` },
    };
    expect(upgradeProbeErrors(old)).toEqual({
      resolve: { code: 'DNS_TIMEOUT', why: { code: 'dns-notes', notes: [NOTES[0]?.[0]] } },
      facts: {
        dnsStatus: 'servfail',
        dnsWhy: { code: 'dns-notes', notes: [{ server: S1, code: 'status', status: 'servfail' }] },
      },
      sys: old.sys,
      tcp: old.tcp,
    });
    expect(dnsNotesOfMessage('ECONNREFUSED')).toBeUndefined();
    expect(dnsNotesOfMessage('connect ECONNREFUSED 127.0.0.1:53')).toBeUndefined();
  });
});

describe('no DNS answer is given the doctor’s own words', () => {
  const files = sources(path.join(SRC, 'dns')).map((f) => ({
    rel: path.relative(SRC, f).split(path.sep).join('/'),
    text: readFileSync(f, 'utf8'),
  }));
  /** Raw data written as text, not a sentence: getaddrinfo's code and errno as Node gives them. */
  const RAW = ['dns/system-resolver.ts: message: `getaddrinfo ${gaiCode}'];
  const found = (re: RegExp) =>
    files
      .flatMap((f) => [...f.text.matchAll(re)].map((m) => `${f.rel}: ${m[0].replace(/\s+/g, ' ').slice(0, 80)}`))
      .filter((hit) => !RAW.some((r) => hit.startsWith(r)));

  it('no `message` given a literal or a template (words go in DNS_NOTE or PROBE_WHY; raw words come from elsewhere)', () => {
    expect(found(/\bmessage:\s*['`"][^\n]*/g)).toEqual([]);
    expect(found(/\.message\s*=[^;\n]*(?:['`"]|\.join\()[^\n]*/g)).toEqual([]);
  });

  it('no emptyAnswer whose message is a literal or a template', () => {
    expect(found(/emptyAnswer(?:<\w+>)?\([^;]*?,\s*'[a-z]+',\s*['`"][^\n]*/g)).toEqual([]);
  });

  it('the scan finds what it looks for', () => {
    const probe = "emptyAnswer<T>(head, 'error', `server answered ${x}`); r.message = notes.join('; ');";
    expect(probe.match(/emptyAnswer(?:<\w+>)?\([^;]*?,\s*'[a-z]+',\s*['`"][^\n]*/g)).toHaveLength(1);
    expect(probe.match(/\.message\s*=[^;\n]*(?:['`"]|\.join\()[^\n]*/g)).toHaveLength(1);
  });
});
