/**
 * Two reports of the same account → what changed ("did the fix work?"): findings that appeared,
 * disappeared or changed severity, endpoints that now work or stopped working, the verdict before
 * and after, and timings that changed notably. `worse` is a worse verdict or a new error finding.
 * Pure: reports in, plain data out (the JSON of `imap-doctor diff --json`).
 */
import type { Severity } from '../catalogue/index.js';
import type { Report, ReportFinding, Verdict } from '../model/report.js';
import { SEVERITY_RANK } from './root-cause.js';

export const DIFF_VERSION = 1;
/** A timing is notable when it changed by this factor or more … */
export const TIMING_FACTOR = 2;
/** … and by at least this many milliseconds. */
export const TIMING_MIN_MS = 500;

export interface DiffSide {
  source: string;
  address: string;
  startedAt: string;
  version: string;
  status: Verdict['status'];
  summary: string;
  working: Verdict['working'];
}

export interface FindingChange {
  code: string;
  title: string;
  severity: Severity;
  /** host:port/security of the endpoint it concerns, when it concerns one. */
  endpoint?: string;
  address?: string;
  source?: string;
  /** The root cause it follows from, when it is a consequence. */
  causedBy?: string;
}

export interface TimingChange {
  /** What was timed: "run", or "<endpoint> <stage>" with the server address when there are several. */
  what: string;
  beforeMs: number;
  afterMs: number;
}

export interface ReportDiff {
  diffVersion: typeof DIFF_VERSION;
  before: DiffSide;
  after: DiffSide;
  /** after is worse: a worse verdict or a new error finding (exit 1). */
  worse: boolean;
  findings: {
    appeared: FindingChange[];
    disappeared: FindingChange[];
    severityChanged: Array<FindingChange & { from: Severity }>;
  };
  endpoints: { nowWorking: string[]; stoppedWorking: string[]; onlyBefore: string[]; onlyAfter: string[] };
  timings: TimingChange[];
  /** Caveats, e.g. the two reports are for different addresses. */
  notes: string[];
}

const STATUS_RANK: Record<Verdict['status'], number> = { ok: 0, warning: 1, error: 2 };

function side(r: Report, source: string): DiffSide {
  return { source, address: r.input.address, startedAt: r.startedAt, version: r.tool.version, status: r.verdict.status, summary: r.verdict.summary, working: r.verdict.working };
}

const keyOf = (f: ReportFinding): string => [f.code, f.endpoint ?? '', f.subject.address ?? '', f.subject.source ?? ''].join('|');

function change(f: ReportFinding): FindingChange {
  return {
    code: f.code,
    title: f.title,
    severity: f.severity,
    ...(f.endpoint ? { endpoint: f.endpoint } : {}),
    ...(f.subject.address ? { address: f.subject.address } : {}),
    ...(f.subject.source ? { source: f.subject.source } : {}),
    ...(f.causedBy ? { causedBy: f.causedBy } : {}),
  };
}

/** Findings matched by code and what they concern; the same key twice is matched in order. */
function diffFindings(before: readonly ReportFinding[], after: readonly ReportFinding[]): ReportDiff['findings'] {
  const pool = new Map<string, ReportFinding[]>();
  for (const f of before) pool.set(keyOf(f), [...(pool.get(keyOf(f)) ?? []), f]);
  const out: ReportDiff['findings'] = { appeared: [], disappeared: [], severityChanged: [] };
  for (const f of after) {
    const match = pool.get(keyOf(f))?.shift();
    if (!match) {
      if (f.severity !== 'ok') out.appeared.push(change(f));
    } else if (match.severity !== f.severity) out.severityChanged.push({ ...change(f), from: match.severity });
  }
  for (const left of pool.values()) for (const f of left) if (f.severity !== 'ok') out.disappeared.push(change(f));
  return out;
}

function diffEndpoints(before: Report, after: Report): ReportDiff['endpoints'] {
  const b = new Map(before.endpoints.map((e) => [e.id, e]));
  const a = new Map(after.endpoints.map((e) => [e.id, e]));
  const both = [...a.keys()].filter((id) => b.has(id));
  return {
    nowWorking: both.filter((id) => a.get(id)?.working && !b.get(id)?.working),
    stoppedWorking: both.filter((id) => b.get(id)?.working && !a.get(id)?.working),
    onlyBefore: [...b.keys()].filter((id) => !a.has(id)),
    onlyAfter: [...a.keys()].filter((id) => !b.has(id)),
  };
}

/** Every timing of a report by what was timed. */
function timings(r: Report): Map<string, number> {
  const t = new Map<string, number>([['run', r.durationMs]]);
  for (const e of r.endpoints) {
    if (e.resolve.ms !== undefined) t.set(`${e.id} DNS`, e.resolve.ms);
    for (const a of e.addresses) {
      const at = e.addresses.length > 1 ? ` [${a.address}]` : '';
      for (const s of a.stages) if (s.ms !== undefined) t.set(`${e.id}${at} ${s.stage}`, s.ms);
    }
    if (e.login.state === 'attempted') {
      t.set(`${e.id} login`, e.login.ms);
      if (e.login.mailbox?.ms !== undefined) t.set(`${e.id} mailbox`, e.login.mailbox.ms);
    }
  }
  return t;
}

export function notableTiming(beforeMs: number, afterMs: number): boolean {
  const lo = Math.min(beforeMs, afterMs);
  const hi = Math.max(beforeMs, afterMs);
  return hi - lo >= TIMING_MIN_MS && hi >= TIMING_FACTOR * lo;
}

export function diffReports(before: Report, after: Report, names: { before: string; after: string }): ReportDiff {
  const findings = diffFindings(before.findings, after.findings);
  const tb = timings(before);
  const changed: TimingChange[] = [];
  for (const [what, afterMs] of timings(after)) {
    const beforeMs = tb.get(what);
    if (beforeMs !== undefined && notableTiming(beforeMs, afterMs)) changed.push({ what, beforeMs, afterMs });
  }
  const newError =
    findings.appeared.some((f) => f.severity === 'error') ||
    findings.severityChanged.some((f) => f.severity === 'error' && SEVERITY_RANK[f.from] > SEVERITY_RANK.error);
  const notes: string[] = [];
  if (before.input.address.toLowerCase() !== after.input.address.toLowerCase()) notes.push(`the reports are for different addresses (${before.input.address}, ${after.input.address})`);
  if (Date.parse(after.startedAt) < Date.parse(before.startedAt)) notes.push('"after" was made before "before": are the files in the right order?');
  return {
    diffVersion: DIFF_VERSION,
    before: side(before, names.before),
    after: side(after, names.after),
    worse: STATUS_RANK[after.verdict.status] > STATUS_RANK[before.verdict.status] || newError,
    findings,
    endpoints: diffEndpoints(before, after),
    timings: changed,
    notes,
  };
}
