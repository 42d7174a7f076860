/**
 * Discovery facts as versions before evidence 3 wrote them, read as today's: English `notes`
 * become reason codes (SourceReason) with their details in typed fields, and an SRV target's
 * alias chain written as "target → alias → …" becomes { target, chain }. Only the loader of saved
 * evidence and reports calls this; nothing else parses those strings. A note this version does not
 * know is dropped (it was words for people, never something a check read).
 */
import { SOURCE_REASON, type SourceReasonParams } from '../catalogue/labels.js';
import type { SourceReason, SourceResult, SrvAlias } from '../model/discovery.js';

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

/** A source's facts in today's shape (unchanged when they already are). */
export function upgradeFacts(s: SourceResult): SourceResult {
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
