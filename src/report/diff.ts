/**
 * Two reports of the same account → what changed ("did the fix work?"): findings that appeared,
 * disappeared or changed severity, endpoints that now work or stopped working, the verdict before
 * and after, and timings that changed notably. `worse` is a worse verdict or a new error finding.
 * Pure: reports in, plain data out (the JSON of `imap-doctor diff --json`).
 */
import type { Severity } from '../catalogue/index.js';
import type { EndpointRef } from '../model/reading.js';
import type { EndpointReport, Report, ReportFinding, Verdict } from '../model/report.js';
import { SEVERITY_RANK } from './root-cause.js';

export const DIFF_VERSION = 2;
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

/** An endpoint as the reports built it: its id and the fields the id was made of (never parsed back). */
export interface DiffEndpoint extends EndpointRef {
  id: string;
}

export interface FindingChange {
  code: string;
  title: string;
  severity: Severity;
  /** The endpoint it concerns, when it concerns one. */
  endpoint?: DiffEndpoint;
  address?: string;
  source?: string;
  /** The root cause it follows from, when it is a consequence. */
  causedBy?: string;
}

export interface TimingChange {
  /** What was timed: "run", or "<endpoint> <stage>" with the server address when there are several. */
  what: string;
  /** The same, as data: the endpoint, the server address (when it has several) and the stage ("DNS", "login", "mailbox" or a probe stage). */
  endpoint?: DiffEndpoint;
  address?: string;
  stage?: string;
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
  endpoints: {
    nowWorking: DiffEndpoint[];
    stoppedWorking: DiffEndpoint[];
    onlyBefore: DiffEndpoint[];
    onlyAfter: DiffEndpoint[];
  };
  timings: TimingChange[];
  /** Caveats, e.g. the two reports are for different addresses. */
  notes: string[];
}

const STATUS_RANK: Record<Verdict['status'], number> = { ok: 0, warning: 1, error: 2 };

function side(r: Report, source: string): DiffSide {
  return {
    source,
    address: r.input.address,
    startedAt: r.startedAt,
    version: r.tool.version,
    status: r.verdict.status,
    summary: r.verdict.summary,
    working: r.verdict.working,
  };
}

const diffEndpoint = (e: EndpointReport): DiffEndpoint => ({
  id: e.id,
  host: e.host,
  port: e.port,
  security: e.security,
});

const keyOf = (f: ReportFinding): string =>
  [f.code, f.endpoint ?? '', f.subject.address ?? '', f.subject.source ?? ''].join('|');

/** The report's endpoints by id, for the findings that name one. */
type Endpoints = ReadonlyMap<string, EndpointReport>;

function change(f: ReportFinding, endpoints: Endpoints): FindingChange {
  const e = f.endpoint !== undefined ? endpoints.get(f.endpoint) : undefined;
  return {
    code: f.code,
    title: f.title,
    severity: f.severity,
    ...(e ? { endpoint: diffEndpoint(e) } : {}),
    ...(f.subject.address ? { address: f.subject.address } : {}),
    ...(f.subject.source ? { source: f.subject.source } : {}),
    ...(f.causedBy ? { causedBy: f.causedBy } : {}),
  };
}

/** Findings matched by code and what they concern; the same key twice is matched in order. */
function diffFindings(before: Report, after: Report): ReportDiff['findings'] {
  const [eb, ea] = [byId(before), byId(after)];
  const pool = new Map<string, ReportFinding[]>();
  for (const f of before.findings) pool.set(keyOf(f), [...(pool.get(keyOf(f)) ?? []), f]);
  const out: ReportDiff['findings'] = { appeared: [], disappeared: [], severityChanged: [] };
  for (const f of after.findings) {
    const match = pool.get(keyOf(f))?.shift();
    if (!match) {
      if (f.severity !== 'ok') out.appeared.push(change(f, ea));
    } else if (match.severity !== f.severity) out.severityChanged.push({ ...change(f, ea), from: match.severity });
  }
  for (const left of pool.values()) for (const f of left) if (f.severity !== 'ok') out.disappeared.push(change(f, eb));
  return out;
}

const byId = (r: Report): Endpoints => new Map(r.endpoints.map((e) => [e.id, e]));

function diffEndpoints(before: Report, after: Report): ReportDiff['endpoints'] {
  const [b, a] = [byId(before), byId(after)];
  const both = [...a.values()].filter((e) => b.has(e.id));
  return {
    nowWorking: both.filter((e) => e.working && !b.get(e.id)?.working).map(diffEndpoint),
    stoppedWorking: both.filter((e) => !e.working && b.get(e.id)?.working).map(diffEndpoint),
    onlyBefore: [...b.values()].filter((e) => !a.has(e.id)).map(diffEndpoint),
    onlyAfter: [...a.values()].filter((e) => !b.has(e.id)).map(diffEndpoint),
  };
}

type Timed = Omit<TimingChange, 'beforeMs' | 'afterMs'> & { ms: number };

/** Every timing of a report by what was timed. */
function timings(r: Report): Map<string, Timed> {
  const t = new Map<string, Timed>([['run', { what: 'run', ms: r.durationMs }]]);
  const add = (e: EndpointReport, stage: string, ms: number, address?: string) => {
    const what = `${e.id}${address !== undefined ? ` [${address}]` : ''} ${stage}`;
    t.set(what, { what, endpoint: diffEndpoint(e), ...(address !== undefined ? { address } : {}), stage, ms });
  };
  for (const e of r.endpoints) {
    if (e.resolve.ms !== undefined) add(e, 'DNS', e.resolve.ms);
    for (const a of e.addresses)
      for (const s of a.stages)
        if (s.ms !== undefined) add(e, s.stage, s.ms, e.addresses.length > 1 ? a.address : undefined);
    if (e.login.state === 'attempted') {
      add(e, 'login', e.login.ms);
      if (e.login.mailbox?.ms !== undefined) add(e, 'mailbox', e.login.mailbox.ms);
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
  const findings = diffFindings(before, after);
  const tb = timings(before);
  const changed: TimingChange[] = [];
  for (const [what, { ms: afterMs, ...timed }] of timings(after)) {
    const beforeMs = tb.get(what)?.ms;
    if (beforeMs !== undefined && notableTiming(beforeMs, afterMs)) changed.push({ ...timed, beforeMs, afterMs });
  }
  const newError =
    findings.appeared.some((f) => f.severity === 'error') ||
    findings.severityChanged.some((f) => f.severity === 'error' && SEVERITY_RANK[f.from] > SEVERITY_RANK.error);
  const notes: string[] = [];
  if (before.input.address.toLowerCase() !== after.input.address.toLowerCase())
    notes.push(`the reports are for different addresses (${before.input.address}, ${after.input.address})`);
  if (Date.parse(after.startedAt) < Date.parse(before.startedAt))
    notes.push('"after" was made before "before": are the files in the right order?');
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
