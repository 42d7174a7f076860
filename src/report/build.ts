/**
 * Evidence + findings → Report: severity by provenance, per-address duplicates merged, findings
 * ordered root cause first (severity, endpoint rank, stage), texts rendered from the catalogue,
 * and the verdict with the working settings. A text that fails to render becomes INTERNAL_ERROR.
 */
import type { EmailAddress } from '../address.js';
import { CATALOGUE, renderEntry, type FindingCode, type Severity } from '../catalogue/index.js';
import { verdictSummary } from './verdict.js';
import { working as isWorking } from '../model/reading.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import {
  endpointId,
  type Candidate,
  type EndpointEvidence,
  type NetworkEvidence,
  type Stage,
} from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import type { Report, ReportFinding, Verdict, WorkingSettings } from '../model/report.js';
import { endpointReport } from './endpoint.js';
import { groupConsequences, SEVERITY_RANK } from './root-cause.js';
import { syncReport } from './sync.js';
import { internalFinding } from '../errors/classify.js';

const STAGE_RANK: Record<Stage | 'discovery' | 'sync' | 'run', number> = {
  discovery: 0,
  resolve: 1,
  tcp: 2,
  tls: 3,
  greeting: 4,
  capability: 5,
  starttls: 6,
  'starttls-tls': 7,
  'capability-after-tls': 8,
  login: 9,
  mailbox: 10,
  sync: 11,
  run: 12,
};
const REACHABILITY: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'DNS_NO_ADDRESS',
  'DNS_LOOKUP_FAILED',
  'TCP_REFUSED',
  'TCP_TIMEOUT',
  'TCP_UNREACHABLE',
  'CONN_CLOSED_BEFORE_GREETING',
  'GREETING_TIMEOUT',
  'GREETING_NOT_IMAP',
  'SERVER_PORT_FILTERED',
  'HOST_UNREACHABLE',
]);

/** Severity follows provenance: what failed on a guess is information, not a verdict. */
export function adjustSeverity(
  findings: Finding[],
  endpoints: readonly EndpointEvidence[],
  anyWorking: boolean,
): Finding[] {
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  return findings.map((f) => {
    const e = f.endpoint ? byId.get(f.endpoint) : undefined;
    if (!e || f.severity !== 'error') return f;
    const reach = REACHABILITY.has(f.code);
    if (e.candidate.provenance === 'guess') {
      if (reach || anyWorking) return { ...f, severity: 'info' };
      return f;
    }
    if (e.candidate.portGuessed && anyWorking) return { ...f, severity: reach ? 'info' : 'warning' };
    return f;
  });
}

/** The same finding on several addresses of one endpoint becomes one finding listing them. */
export function mergeAddresses(findings: Finding[], endpoints: readonly EndpointEvidence[]): Finding[] {
  const counts = new Map(endpoints.map((e) => [e.id, e.addresses.length]));
  const out: Finding[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.endpoint || f.subject.address === undefined) {
      out.push(f);
      continue;
    }
    const { address: _a, family: _f, ms: _m, ...rest } = f.params;
    const key = `${f.code}|${f.endpoint}|${f.stage}|${JSON.stringify(rest)}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else {
      groups.set(key, [f]);
      out.push(f);
    }
  }
  return out.map((f) => {
    if (!f.endpoint || f.subject.address === undefined) return f;
    const { address: _a, family: _f, ms: _m, ...rest } = f.params;
    const g = groups.get(`${f.code}|${f.endpoint}|${f.stage}|${JSON.stringify(rest)}`) ?? [f];
    if (g.length < 2) return f;
    const all = g.length === counts.get(f.endpoint);
    const { address: _drop, ...subject } = f.subject;
    return {
      ...f,
      subject: all ? subject : f.subject,
      params: { ...f.params, addresses: g.map((x) => String(x.subject.address)) },
    };
  });
}

export function orderFindings(findings: Finding[], endpoints: readonly EndpointEvidence[]): Finding[] {
  const rank = new Map(endpoints.map((e) => [e.id, e.rank]));
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (x, y) =>
        SEVERITY_RANK[x.f.severity] - SEVERITY_RANK[y.f.severity] ||
        (x.f.endpoint ? (rank.get(x.f.endpoint) ?? 99) : -1) - (y.f.endpoint ? (rank.get(y.f.endpoint) ?? 99) : -1) ||
        STAGE_RANK[x.f.stage] - STAGE_RANK[y.f.stage] ||
        x.i - y.i,
    )
    .map((x) => x.f);
}

function renderFinding(f: Finding): ReportFinding {
  try {
    const t = renderEntry(f.code, f.params, f.subject);
    return { ...f, ...t, title: t.title, who: f.who ?? CATALOGUE[f.code].who };
  } catch (err) {
    const bug = internalFinding({ step: 'catalogue', code: f.code }, err);
    return { ...bug, ...renderEntry(bug.code, bug.params, {}), who: CATALOGUE.INTERNAL_ERROR.who };
  }
}

export interface BuildInput {
  address: EmailAddress;
  user: string;
  startedAt: Date;
  durationMs: number;
  version: string;
  /** Node.js version running the doctor (for tickets). */
  node: string;
  options: Report['input']['options'];
  discovery: DiscoveryEvidence | null;
  network?: NetworkEvidence;
  candidates: Candidate[];
  endpoints: EndpointEvidence[];
  findings: Finding[];
  loginExpected: boolean;
  transcript: boolean;
}

export function buildReport(inp: BuildInput): Report {
  const workingIds = new Set(inp.endpoints.filter((e) => isWorking(e, inp.loginExpected)).map((e) => e.id));
  let findings = adjustSeverity(inp.findings, inp.endpoints, workingIds.size > 0);
  findings = mergeAddresses(findings, inp.endpoints);
  const firstWorking = inp.endpoints.filter((e) => workingIds.has(e.id)).sort((a, b) => a.rank - b.rank)[0];
  let grouped = groupConsequences(orderFindings(findings, inp.endpoints));
  // Decided after grouping, which may lower consequences: nothing verified is always an error.
  if (!firstWorking && !grouped.some((f) => f.severity === 'error')) {
    grouped = [
      {
        code: 'NO_VERIFIED_CONFIGURATION',
        severity: 'error',
        subject: {},
        params: { endpoints: inp.endpoints.length },
        stage: 'run',
      },
      ...grouped,
    ];
  }
  const rendered = grouped.map(renderFinding);
  const sync = syncReport(inp.endpoints, inp);
  return {
    schemaVersion: 2,
    tool: { name: 'imap-doctor', version: inp.version, node: inp.node },
    input: {
      address: inp.address.address,
      domain: inp.address.domain,
      ...(inp.address.unicodeDomain ? { unicodeDomain: inp.address.unicodeDomain } : {}),
      options: inp.options,
    },
    startedAt: inp.startedAt.toISOString(),
    durationMs: inp.durationMs,
    discovery: inp.discovery,
    network: inp.network ?? { references: [], clock: [] },
    candidates: inp.candidates.map((c) => ({
      host: c.host,
      port: c.port,
      security: c.security,
      provenance: c.provenance,
      trust: c.trust,
      sources: c.sources,
      // By id, not identity: evidence read back from a file holds copies (show --rejudge).
      probed: inp.endpoints.some((e) => e.id === endpointId(c)),
    })),
    endpoints: inp.endpoints.map((e) => endpointReport(e, inp.user, workingIds.has(e.id), inp.transcript)),
    findings: rendered,
    verdict: buildVerdict(rendered, firstWorking, inp),
    ...(sync ? { sync } : {}),
  };
}

/** The verdict: its status, the settings of the first working endpoint, the summary and the tally. */
function buildVerdict(rendered: ReportFinding[], firstWorking: EndpointEvidence | undefined, inp: BuildInput): Verdict {
  // The tally and the status count problems, not what follows from them (those carry causedBy).
  const tally: Record<Severity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const f of rendered) if (!f.causedBy) tally[f.severity]++;
  const status: Verdict['status'] = tally.error > 0 ? 'error' : tally.warning > 0 ? 'warning' : 'ok';
  const working: WorkingSettings | null = firstWorking
    ? {
        host: firstWorking.candidate.host,
        port: firstWorking.candidate.port,
        security: firstWorking.candidate.security,
        username: inp.user,
        loginVerified: inp.loginExpected,
      }
    : null;
  const first =
    rendered.find((f) => f.severity === status && !f.causedBy) ?? rendered.find((f) => f.severity === 'error');
  return { status, working, summary: verdictSummary(status, working, first, tally), tally };
}
