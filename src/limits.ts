/**
 * Every bound on what is read from the network, in one place: bytes, counts and the time each read
 * may take. Code reads its limits from LIMITS; docs/robustness.md's table is generated from BOUNDS
 * (`npm run docs`), and a test fails when the two drift or a row names no test that exercises it.
 */

const KiB = 1024;

export const LIMITS = {
  /** One line of the raw pre-auth IMAP conversation; also the most bytes buffered while nothing reads. */
  imapLineBytes: 64 * KiB,
  /** Characters of the greeting line kept as evidence. */
  greetingChars: 512,
  /** Capabilities kept from one CAPABILITY reply (or greeting code). */
  capabilities: 256,
  /** Untagged lines accepted before the tagged reply of one command. */
  untaggedLines: 1000,
  /** Lines kept per connection in a transcript (the rest counted in one last line). */
  transcriptLines: 500,
  /** Characters kept of one transcript line. */
  transcriptLineChars: 1000,
  /** [ALERT] texts kept from one login, and characters kept of each. */
  alerts: 10,
  alertChars: 500,
  /** The login phase (imapflow): one line, one literal, one whole response. */
  loginLineBytes: 64 * KiB,
  loginLiteralBytes: 64 * KiB,
  loginResponseBytes: 256 * KiB,
  /** Server lines of the login kept to find a BYE without --transcript. */
  loginServerLines: 200,
  /** Whole login (connect, greeting, ID, authentication, EXAMINE, LOGOUT), in step timeouts. */
  loginSteps: 4,
  /** HTTP response headers, body (settings documents), redirects per URL. */
  httpHeaderBytes: 16 * KiB,
  httpBodyBytes: 256 * KiB,
  httpRedirects: 3,
  /** A settings document (autoconfig, ISPDB, Autodiscover): element depth, elements, servers. */
  xmlDepth: 32,
  xmlElements: 10_000,
  xmlServers: 20,
  /** <authentication> values kept per server (autoconfig 1.2 repeats the element, one per method). */
  xmlAuthentications: 16,
  /** One DNS message (the 2-byte length of DNS over TCP bounds it; a UDP datagram cannot be larger). */
  dnsMessageBytes: 65_535,
  /** Records kept from one DNS answer. */
  dnsRecords: 32,
  /** SRV targets whose A/AAAA are checked. */
  srvTargetChecks: 4,
  /** Addresses of one host probed per address family; the rest are listed as not probed. */
  addressesPerFamily: 4,
  /** A PACC document (and the obsolete pacc.json looked at): its digest is over every byte. */
  paccBytes: 64 * KiB,
  /** Characters of one TXT record kept as evidence (PACC's _ua-auto-config; the digest is read from the whole record). */
  txtChars: 512,
  /** One OAuth issuer metadata document (RFC 8414 or OpenID Connect Discovery). */
  oauthMetadataBytes: 64 * KiB,
  /** --oauth-discover: lines read before the tagged reply to AUTHENTICATE OAUTHBEARER, and characters kept of each challenge value. */
  oauthChallengeLines: 20,
  oauthChallengeChars: 500,
  /** The issuer certificate fetched from an AIA URL. */
  aiaBytes: 64 * KiB,
  /** Certificates kept from one presented chain. */
  chainCertificates: 10,
  /** Reference connects (web ports, other IMAP port, resolver) per run. */
  referenceProbes: 64,
  /** The sync probe after the login (imapflow, same limits per line): untagged lines and their characters kept per command; the rest counted. */
  syncUntaggedLines: 5000,
  syncUntaggedChars: 2 * 1024 * KiB,
  /** Folders kept as evidence (special-use or a role's name), and the items kept of each other list (namespaces per kind, quota roots, quotas, resources of a quota). */
  syncFolders: 100,
  syncItems: 16,
  /** Highest --sessions (each one is a real login). */
  maxSessions: 50,
  /** Highest --max-endpoints. */
  maxEndpoints: 64,
  /** A secret read from standard input. */
  secretBytes: 16 * KiB,
  /** The backstop ends a run this long after --deadline, even while the main thread is blocked. */
  backstopGraceMs: 1000,
} as const;

export type LimitKey = keyof typeof LIMITS;

/** One row of docs/robustness.md: what is read, its size, count and time limit, and the test that proves it. */
export interface Bound {
  what: string;
  size: string;
  count: string;
  time: string;
  /** What happens at the limit. */
  then: string;
  /** The LIMITS keys of this row; each must appear in `test`. */
  keys: LimitKey[];
  /** A test file (from the repository root) that exercises the limit (the hostile cases run in test/e2e/hostile.test.ts). */
  test: string;
}

const kib = (n: number): string => (n % KiB === 0 ? `${n / KiB} KiB` : `${n} bytes`);
/** 10000 → 10,000 (as toLocaleString('en-US'), without loading ICU's number formats at import time). */
const n = (x: number): string => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const L = LIMITS;
const STEP = 'one --timeout';

export const BOUNDS: readonly Bound[] = [
  {
    what: 'IMAP line (raw probe)',
    size: kib(L.imapLineBytes),
    count: '–',
    time: `${STEP} per command`,
    then: 'LINE_TOO_LONG; reading stops',
    keys: ['imapLineBytes'],
    test: 'test/integration/probes/wire.test.ts',
  },
  {
    what: 'bytes buffered while the probe is not reading',
    size: kib(L.imapLineBytes),
    count: '–',
    time: 'until the connection closes',
    then: 'the socket is paused (TCP back-pressure)',
    keys: ['imapLineBytes'],
    test: 'test/integration/probes/wire.test.ts',
  },
  {
    what: 'greeting',
    size: `${kib(L.imapLineBytes)} read, ${n(L.greetingChars)} characters kept`,
    count: '1 line',
    time: STEP,
    then: 'cut with …; dripped bytes end at the step timeout',
    keys: ['greetingChars'],
    test: 'test/integration/probes/wire.test.ts',
  },
  {
    what: 'CAPABILITY',
    size: 'one line',
    count: `${n(L.capabilities)} capabilities`,
    time: STEP,
    then: 'the rest dropped',
    keys: ['capabilities'],
    test: 'test/integration/probes/wire.test.ts',
  },
  {
    what: 'untagged lines before a tagged reply',
    size: 'one line each',
    count: n(L.untaggedLines),
    time: STEP,
    then: 'PROTOCOL_ERROR',
    keys: ['untaggedLines'],
    test: 'test/integration/probes/wire.test.ts',
  },
  {
    what: 'transcript (--transcript)',
    size: `${n(L.transcriptLineChars)} characters per line`,
    count: `${n(L.transcriptLines)} lines per connection`,
    time: '–',
    then: 'one last line says the rest was left out',
    keys: ['transcriptLines', 'transcriptLineChars'],
    test: 'test/integration/probes/wire.test.ts',
  },
  {
    what: '[ALERT] texts of a login',
    size: `${n(L.alertChars)} characters each`,
    count: n(L.alerts),
    time: '–',
    then: 'the rest dropped',
    keys: ['alerts', 'alertChars'],
    test: 'test/hostile/cases.ts',
  },
  {
    what: 'login phase (imapflow): line, literal, response',
    size: `${kib(L.loginLineBytes)}, ${kib(L.loginLiteralBytes)}, ${kib(L.loginResponseBytes)}`,
    count: '–',
    time: `${L.loginSteps} × --timeout for the whole login`,
    then: 'the login fails with the error; nothing more is read',
    keys: ['loginLineBytes', 'loginLiteralBytes', 'loginResponseBytes', 'loginSteps'],
    test: 'test/hostile/cases.ts',
  },
  {
    what: 'server lines of a login kept (to find a BYE)',
    size: `${n(L.transcriptLineChars)} characters each`,
    count: n(L.loginServerLines),
    time: '–',
    then: 'the oldest dropped',
    keys: ['loginServerLines'],
    test: 'test/unit/limits.test.ts',
  },
  {
    what: 'sync probe (after the login): untagged lines of one command',
    size: `${kib(L.loginLineBytes)} per line, ${kib(L.syncUntaggedChars)} kept per command`,
    count: `${n(L.syncUntaggedLines)} lines kept per command`,
    time: `${STEP} per command, IDLE and DONE each`,
    then: 'counted, not kept (folders shown as at least the count); a command left without a reply closes the connection',
    keys: ['syncUntaggedLines', 'syncUntaggedChars'],
    test: 'test/unit/probes/sync/imapflow-channel.test.ts',
  },
  {
    what: 'sync evidence: folders, namespaces, quota roots and resources',
    size: '–',
    count: `${n(L.syncFolders)} folders (special-use or a role's name), ${L.syncItems} of each other list`,
    time: '–',
    then: 'the rest dropped (the folder count still counts them)',
    keys: ['syncFolders', 'syncItems'],
    test: 'test/unit/probes/sync/parse.test.ts',
  },
  {
    what: 'extra sessions (--sessions)',
    size: '–',
    count: `--sessions − 1 (at most ${L.maxSessions} in all)`,
    time: `${L.loginSteps} × --timeout per login`,
    then: 'no login after the first that fails',
    keys: ['maxSessions'],
    test: 'test/unit/limits.test.ts',
  },
  {
    what: 'HTTP response headers',
    size: kib(L.httpHeaderBytes),
    count: '–',
    time: `${STEP} per fetch, redirects included`,
    then: 'HTTP error',
    keys: ['httpHeaderBytes'],
    test: 'test/hostile/cases.ts',
  },
  {
    what: 'HTTP body (settings document, never decompressed)',
    size: kib(L.httpBodyBytes),
    count: '–',
    time: `${STEP} per fetch`,
    then: 'invalid (too-large); reading stops',
    keys: ['httpBodyBytes'],
    test: 'test/hostile/cases.ts',
  },
  {
    what: 'HTTP redirects',
    size: '–',
    count: `${L.httpRedirects} per URL`,
    time: `${STEP} per fetch`,
    then: 'HTTP_REDIRECT_LIMIT',
    keys: ['httpRedirects'],
    test: 'test/hostile/cases.ts',
  },
  {
    what: 'XML settings document',
    size: kib(L.httpBodyBytes),
    count: `depth ${L.xmlDepth}, ${n(L.xmlElements)} elements, ${L.xmlServers} servers, ${L.xmlAuthentications} \`<authentication>\` per server`,
    time: 'linear scan before parsing',
    then: 'invalid (too-deep / too-many-elements); servers and `<authentication>` values past the limit dropped',
    keys: ['xmlDepth', 'xmlElements', 'xmlServers', 'xmlAuthentications'],
    test: 'test/unit/discovery/xml-guard.test.ts',
  },
  {
    what: 'DNS message',
    size: `${n(L.dnsMessageBytes)} bytes`,
    count: `${L.dnsRecords} records kept per answer`,
    time: '--timeout ÷ (tries × servers) per try',
    then: 'the rest dropped',
    keys: ['dnsMessageBytes', 'dnsRecords'],
    test: 'test/integration/dns/packet-resolver.limits.test.ts',
  },
  {
    what: 'SRV targets checked for an address',
    size: '–',
    count: n(L.srvTargetChecks),
    time: STEP,
    then: 'not checked',
    keys: ['srvTargetChecks'],
    test: 'test/integration/dns/packet-resolver.limits.test.ts',
  },
  {
    what: 'addresses probed per host',
    size: '–',
    count: `${L.addressesPerFamily} per address family`,
    time: '–',
    then: 'listed as not probed',
    keys: ['addressesPerFamily'],
    test: 'test/integration/dns/packet-resolver.limits.test.ts',
  },
  {
    what: 'PACC document (and the obsolete pacc.json)',
    size: kib(L.paccBytes),
    count: '1 fetch each',
    time: `${STEP} per fetch`,
    then: 'PACC_INVALID (too-large); reading stops',
    keys: ['paccBytes'],
    test: 'test/integration/probes/standards.test.ts',
  },
  {
    what: 'TXT record kept (PACC _ua-auto-config)',
    size: `${n(L.txtChars)} characters`,
    count: `${L.dnsRecords} records (the DNS cap)`,
    time: STEP,
    then: 'cut with … in the evidence; the digest is read from the whole record',
    keys: ['txtChars'],
    test: 'test/integration/probes/standards.test.ts',
  },
  {
    what: 'OAuth issuer metadata (RFC 8414, OpenID Connect)',
    size: kib(L.oauthMetadataBytes),
    count: '2 fetches per issuer, no redirect followed',
    time: `${STEP} per fetch`,
    then: 'OAUTH_METADATA_INVALID (too-large); reading stops',
    keys: ['oauthMetadataBytes'],
    test: 'test/integration/probes/standards.test.ts',
  },
  {
    what: 'OAUTHBEARER exchange (--oauth-discover)',
    size: `${kib(L.imapLineBytes)} per line, ${n(L.oauthChallengeChars)} characters kept per challenge value`,
    count: `${L.oauthChallengeLines} lines before the tagged reply`,
    time: `${STEP} per line`,
    then: 'PROTOCOL_ERROR; the exchange ends',
    keys: ['oauthChallengeLines', 'oauthChallengeChars'],
    test: 'test/integration/probes/standards.test.ts',
  },
  {
    what: 'AIA issuer certificate',
    size: kib(L.aiaBytes),
    count: '1 fetch, no redirect',
    time: STEP,
    then: 'not fetched (error kept)',
    keys: ['aiaBytes'],
    test: 'test/integration/probes/aia.test.ts',
  },
  {
    what: 'certificate chain',
    size: '–',
    count: `${L.chainCertificates} certificates`,
    time: 'the TLS handshake: one --timeout',
    then: 'the rest dropped',
    keys: ['chainCertificates'],
    test: 'test/unit/limits.test.ts',
  },
  {
    what: 'reference connects (firewall vs. down)',
    size: 'none sent',
    count: n(L.referenceProbes),
    time: STEP,
    then: 'not made',
    keys: ['referenceProbes'],
    test: 'test/unit/limits.test.ts',
  },
  {
    what: 'endpoints probed',
    size: '–',
    count: `--max-endpoints (at most ${L.maxEndpoints})`,
    time: '--deadline',
    then: 'listed as not probed',
    keys: ['maxEndpoints'],
    test: 'test/unit/limits.test.ts',
  },
  {
    what: 'secret from standard input',
    size: kib(L.secretBytes),
    count: 'first line',
    time: '–',
    then: 'cut',
    keys: ['secretBytes'],
    test: 'test/e2e/cli-hygiene.test.ts',
  },
  {
    what: 'the whole run',
    size: '–',
    count: '–',
    time: `--deadline; a backstop ends the process at --deadline + ${L.backstopGraceMs / 1000} s even while blocked`,
    then: 'RUN_DEADLINE_EXCEEDED, or the backstop report',
    keys: ['backstopGraceMs'],
    test: 'test/e2e/backstop.test.ts',
  },
];

/** The table in docs/robustness.md, between its generated-table markers. */
export function boundsMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| what is read | size | count | time | at the limit |',
    '| --- | --- | --- | --- | --- |',
    ...BOUNDS.map((b) => `| ${esc(b.what)} | ${esc(b.size)} | ${esc(b.count)} | ${esc(b.time)} | ${esc(b.then)} |`),
  ].join('\n');
}

const START = /<!-- bounds:start[^>]*-->/;
const END = '<!-- bounds:end -->';

/** docs/robustness.md with its generated table replaced by the current one. */
export function withBounds(doc: string): string {
  const start = START.exec(doc);
  const end = doc.indexOf(END);
  if (!start || end < 0) throw new Error('docs/robustness.md has no bounds:start / bounds:end markers');
  return `${doc.slice(0, start.index + start[0].length)}\n${boundsMarkdown()}\n${doc.slice(end)}`;
}
