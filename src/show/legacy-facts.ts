/**
 * Discovery facts as versions before evidence 3 wrote them, read as today's: English `notes`
 * become reason codes (SourceReason) with their details in typed fields, and an SRV target's
 * alias chain written as "target → alias → …" becomes { target, chain }, the MX source's
 * resolverCheck written as ". NS → status (N ms)" becomes { status, ms }, and an SRV source's servers
 * get the priority of their record (read from the "priority weight port target" strings), and a TLS
 * session's hostnameError "the server sent no certificate" becomes hostnameFailure, a parser's words in
 * `invalid.detail` become `invalid.why` (InvalidWhy) and an Autodiscover error's errorDetail "error
 * response without code or message" is dropped (it said the server sent neither). Only the loader of saved
 * evidence and reports calls this; nothing else parses those strings. A note this version does not
 * know is dropped (it was words for people, never something a check read).
 */
import { SOURCE_REASON, type SourceReasonParams } from '../catalogue/labels.js';
import type { DnsStatus, TlsInfo } from '../model/evidence.js';
import type { InvalidWhy, ResolverCheck, SourceReason, SourceResult, SrvAlias } from '../model/discovery.js';

type LegacyFacts = Record<string, unknown> & { notes?: unknown; targetCnames?: unknown };
type Details = Record<string, unknown>;

/** Notes whose words carried a detail: the pattern, the code, the typed fields it gives. */
const PATTERNS: Array<[RegExp, SourceReason, (m: RegExpExecArray) => Details]> = [
  [/^not a host name, not used: (.*)$/s, 'srv-target-not-host', (m) => ({ badTargets: jsonList(m[1] ?? '') })],
  [
    /^.* is reached through a local bridge \((.*):(\d+)\), not probed$/s,
    'provider-bridge',
    (m) => ({ bridge: { host: m[1], port: Number(m[2]) } }),
  ],
  [/^no public source names the IMAP server of /, 'provider-imap-unknown', () => ({})],
  [/ named by an unverified SRV record: not connected to$/, 'unverified-target-refused', () => ({})],
  [/^Autodiscover error: (.*)$/s, 'autodiscover-error', (m) => (m[1] ? { errorDetail: m[1] } : {})],
  [/^redirects to the address (.*); not followed$/s, 'redirect-addr-not-followed', (m) => ({ redirectAddr: m[1] })],
  [/^redirects to the URL (.*); not followed$/s, 'redirect-url-not-followed', (m) => ({ redirectUrl: m[1] })],
];

const NO_PARAMS: SourceReasonParams = { targets: [], target: '', provider: '', detail: '' };

/** The codes whose words take no detail, by those words (the catalogue's words are the old notes). */
const FIXED = new Map<string, SourceReason>(
  (Object.keys(SOURCE_REASON) as SourceReason[])
    .filter((r) => !PATTERNS.some(([, code]) => code === r))
    .map((r) => [SOURCE_REASON[r](NO_PARAMS), r]),
);

function jsonList(text: string): string[] {
  try {
    const list: unknown = JSON.parse(`[${text}]`);
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** One old note as a reason code and its details, or undefined for a note this version does not know. */
export function reasonOfNote(note: string): { reason: SourceReason; details: Details } | undefined {
  const fixed = FIXED.get(note);
  if (fixed) return { reason: fixed, details: {} };
  for (const [re, reason, details] of PATTERNS) {
    const m = re.exec(note);
    if (m) return { reason, details: details(m) };
  }
  return undefined;
}

function alias(text: unknown): SrvAlias | undefined {
  if (typeof text !== 'string') return typeof text === 'object' && text !== null ? (text as SrvAlias) : undefined;
  const [target, ...chain] = text.split(' → ');
  return target && chain.length > 0 ? { target, chain } : undefined;
}

/** A source in today's shape (unchanged when it already is). */
export function upgradeFacts(s: SourceResult): SourceResult {
  return invalidWhy(noErrorWords(srvPriorities(resolverCheck(notesAndAliases(s)))));
}

/** The parsers' words in `invalid.detail` as older versions wrote them: the pattern, the code and its values. */
const DETAILS: Array<[RegExp, (m: RegExpExecArray) => InvalidWhy]> = [
  [/^no root element$/, () => ({ code: 'no-root-element' })],
  [/^root element <(.+)>$/s, (m) => ({ code: 'root-element', element: m[1] ?? '' })],
  [
    /^no <Autodiscover><Response> \(root <(.+)>\)$/s,
    (m) => ({ code: 'no-autodiscover-response', element: m[1] ?? '' }),
  ],
  [/^no <(\w+)> element$/, (m) => ({ code: 'no-element', element: m[1] ?? '' })],
  [/^redirectAddr without <RedirectAddr>$/, () => ({ code: 'redirect-addr-missing' })],
  [
    /^redirectUrl without a usable <RedirectUrl>: (.*)$/s,
    (m) => ({ code: 'redirect-url-unusable', redirectUrl: m[1] ?? '' }),
  ],
  [/^(\d+) bytes, limit (\d+)$/, (m) => ({ code: 'over-limit', bytes: Number(m[1]), limit: Number(m[2]) })],
  [/^body larger than (\d+) bytes$/, (m) => ({ code: 'over-limit', limit: Number(m[1]) })],
  [/^elements nested more than (\d+) deep$/, (m) => ({ code: 'nested-too-deep', limit: Number(m[1]) })],
  [/^more than (\d+) elements$/, (m) => ({ code: 'too-many-elements', limit: Number(m[1]) })],
  [/^<!DOCTYPE html>: an HTML page$/, () => ({ code: 'html-doctype' })],
  [/^<!(\w+)> declaration refused$/, (m) => ({ code: 'declaration', kind: m[1] ?? '' })],
  [/^<(\w+)> root element$/, (m) => ({ code: 'html-root', element: m[1] ?? '' })],
  [/^<html> element in a malformed document$/, () => ({ code: 'html-malformed' })],
];
/** A not-xml detail with the validator's position: its message, line and column. */
const XML_ERROR = /^(.*) \(line (\d+), column (\d+)\)$/s;

/** An old `invalid.detail` as the code it stands for, or undefined for text that came from elsewhere. */
export function whyOfDetail(reason: string, detail: string): InvalidWhy | undefined {
  for (const [re, why] of DETAILS) {
    const m = re.exec(detail);
    if (m) return why(m);
  }
  const m = reason === 'not-xml' ? XML_ERROR.exec(detail) : null;
  return m ? { code: 'xml-error', message: m[1] ?? '', line: Number(m[2]), column: Number(m[3]) } : undefined;
}

function invalidWhy(s: SourceResult): SourceResult {
  const inv = s.invalid;
  if (!inv || inv.why || typeof inv.detail !== 'string') return s;
  const why = whyOfDetail(inv.reason, inv.detail);
  if (!why) return s;
  const { detail: _words, ...rest } = inv;
  return { ...s, invalid: { ...rest, why } };
}

/** The words older versions wrote in errorDetail when the Autodiscover server sent neither code nor message. */
const NO_ERROR_DETAIL = 'error response without code or message';

function noErrorWords(s: SourceResult): SourceResult {
  const f = s.facts as { errorDetail?: unknown } | undefined;
  if (f?.errorDetail !== NO_ERROR_DETAIL) return s;
  const { errorDetail: _words, ...rest } = f;
  return { ...s, facts: rest } as SourceResult;
}

/** ". NS → nxdomain (87 ms)" as { status, ms }; dropped when it does not read so. */
function resolverCheck(s: SourceResult): SourceResult {
  const f = s.facts as (Record<string, unknown> & { resolverCheck?: unknown }) | undefined;
  if (typeof f?.resolverCheck !== 'string') return s;
  const { resolverCheck: text, ...rest } = f;
  const m = /^\. NS → ([a-z]+) \((\d+) ms\)$/.exec(text);
  const check: ResolverCheck | undefined = m ? { status: m[1] as DnsStatus, ms: Number(m[2]) } : undefined;
  return { ...s, facts: { ...rest, ...(check ? { resolverCheck: check } : {}) } } as SourceResult;
}

/** An SRV source's servers with the priority of their record, as older versions wrote only in `records`. */
function srvPriorities(s: SourceResult): SourceResult {
  const records = (s.facts as { records?: unknown } | undefined)?.records;
  if (!Array.isArray(records) || s.servers.every((x) => x.priority !== undefined)) return s;
  const servers = s.servers.map((x) => {
    if (x.priority !== undefined) return x;
    const rec = records.find((r): r is string => typeof r === 'string' && r.endsWith(` ${x.port} ${x.host}`));
    const priority = rec ? Number(rec.split(' ')[0]) : NaN;
    return Number.isInteger(priority) ? { ...x, priority } : x;
  });
  return { ...s, servers };
}

/** The words older versions wrote in hostnameError when the server sent no certificate. */
const NO_CERTIFICATE = 'the server sent no certificate';

/** A TLS session as older versions wrote it: the no-certificate words become hostnameFailure. */
export function upgradeTls<T extends TlsInfo | undefined>(t: T): T {
  if (!t || t.hostnameError !== NO_CERTIFICATE) return t;
  const { hostnameError: _words, ...rest } = t;
  return { ...rest, hostnameFailure: 'no-certificate' } as T;
}

/** Notes as reason codes, alias strings as { target, chain }. */
function notesAndAliases(s: SourceResult): SourceResult {
  const f = s.facts as LegacyFacts | undefined;
  if (
    !f ||
    (f.notes === undefined && !(Array.isArray(f.targetCnames) && f.targetCnames.some((c) => typeof c === 'string')))
  )
    return s;
  const { notes, targetCnames, ...rest } = f;
  const first = Array.isArray(notes) && typeof notes[0] === 'string' ? reasonOfNote(notes[0]) : undefined;
  const cnames = Array.isArray(targetCnames)
    ? targetCnames.map(alias).filter((c): c is SrvAlias => c !== undefined)
    : undefined;
  const facts = {
    ...rest,
    ...(first ? { reason: first.reason, ...first.details } : {}),
    ...(cnames ? { targetCnames: cnames } : {}),
  };
  return { ...s, facts } as SourceResult;
}
