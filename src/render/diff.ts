/**
 * `imap-doctor diff` for people and scripts: the verdict before → after, endpoints that now work
 * or stopped, findings gone / new / changed, notable timings; as text, Markdown or JSON.
 * Pure: diff in, string out; colour only when asked.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { secLabel } from '../catalogue/types.js';
import type { DiffEndpoint, DiffSide, FindingChange, ReportDiff } from '../report/diff.js';
import { TIMING_FACTOR, TIMING_MIN_MS } from '../report/diff.js';
import { esc } from './markdown.js';
import { symbol, type Mark } from './symbols.js';
import { inertJson, visibleDeep } from './visible.js';

/** An endpoint as people read it: 'imap.example.com:993 (SSL/TLS)'. */
function endpointLabel(e: DiffEndpoint): string {
  return `${e.host}:${e.port} (${secLabel(e.security)})`;
}

function where(f: FindingChange): string {
  const parts = [
    f.endpoint ? endpointLabel(f.endpoint) : '',
    f.address ? `[${f.address}]` : '',
    f.source ? `(${f.source})` : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` — ${parts.join(' ')}` : '';
}

const statusMark = (s: DiffSide['status']): Mark => (s === 'ok' ? 'ok' : s);

function outcome(d: ReportDiff): string {
  if (d.worse) return 'worse: "after" has a worse verdict or a new error';
  if (d.before.status !== d.after.status) return 'better';
  return 'no worse';
}

interface Item {
  mark: Mark;
  label: string;
  text: string;
}

/** The changes as one list, in the order a reader wants them: endpoints, then findings. */
function items(d: ReportDiff): { endpoints: Item[]; findings: Item[]; timings: Item[] } {
  const e = d.endpoints;
  return {
    endpoints: [
      ...e.nowWorking.map((x) => ({ mark: 'ok' as Mark, label: 'now works', text: endpointLabel(x) })),
      ...e.stoppedWorking.map((x) => ({ mark: 'error' as Mark, label: 'stopped working', text: endpointLabel(x) })),
      ...e.onlyBefore.map((x) => ({ mark: 'info' as Mark, label: 'only before', text: endpointLabel(x) })),
      ...e.onlyAfter.map((x) => ({ mark: 'info' as Mark, label: 'only after', text: endpointLabel(x) })),
    ],
    findings: [
      ...d.findings.disappeared.map((f) => ({
        mark: 'ok' as Mark,
        label: `gone (${f.severity})`,
        text: `${f.title} ${f.code}${where(f)}`,
      })),
      ...d.findings.appeared.map((f) => ({
        mark: f.severity as Mark,
        label: `new (${f.severity})`,
        text: `${f.title} ${f.code}${where(f)}`,
      })),
      ...d.findings.severityChanged.map((f) => ({
        mark: f.severity as Mark,
        label: `${f.from} → ${f.severity}`,
        text: `${f.title} ${f.code}${where(f)}`,
      })),
    ],
    timings: d.timings.map((t) => ({
      mark: (t.afterMs > t.beforeMs ? 'warning' : 'ok') as Mark,
      label: `${t.beforeMs} ms → ${t.afterMs} ms`,
      text: t.what === 'run' ? 'the whole run' : t.what,
    })),
  };
}

export function renderDiffText(diff: ReportDiff, o: { color: boolean }): string {
  // Both reports may come from anyone (a customer's file): every string printed made visible.
  const d = visibleDeep(diff);
  const c: ChalkInstance = new Chalk({ level: o.color ? 1 : 0 });
  const sym = (m: Mark) => {
    const s = symbol(m);
    return m === 'ok' ? c.green(s) : m === 'error' ? c.red(s) : m === 'warning' ? c.yellow(s) : c.dim(s);
  };
  const sideLine = (label: string, s: DiffSide) =>
    `${label} ${sym(statusMark(s.status))} ${s.summary} ${c.dim(`(${s.source}, ${s.startedAt}, imap-doctor ${s.version})`)}`;
  const out = [
    c.bold(`imap-doctor diff · ${d.after.address}`),
    sideLine('before:', d.before),
    sideLine('after: ', d.after),
  ];
  for (const n of d.notes) out.push(c.yellow(`Note: ${n}`));
  const it = items(d);
  const section = (title: string, list: Item[]) => {
    if (list.length === 0) return;
    out.push('', c.bold(title), ...list.map((x) => `  ${sym(x.mark)} ${x.label}: ${x.text}`));
  };
  section('Endpoints', it.endpoints);
  section('Findings', it.findings);
  section(`Timings (changed ${TIMING_FACTOR}× or more and by ${TIMING_MIN_MS} ms or more)`, it.timings);
  if (it.endpoints.length + it.findings.length + it.timings.length === 0)
    out.push('', c.dim('No finding, endpoint or notable timing changed.'));
  out.push('', `Verdict: ${d.before.status} → ${d.after.status}; ${d.worse ? c.red(outcome(d)) : c.green(outcome(d))}`);
  return `${out.join('\n')}\n`;
}

const ICON: Record<Mark, string> = { ok: '✅', warning: '⚠️', error: '❌', info: 'ℹ️', skipped: '⏭️' };

export function renderDiffMarkdown(diff: ReportDiff): string {
  const d = visibleDeep(diff);
  const out = [
    `# imap-doctor diff for ${esc(d.after.address)}`,
    '',
    `| | verdict | report |`,
    `| --- | --- | --- |`,
    `| before | ${ICON[statusMark(d.before.status)]} ${esc(d.before.summary)} | ${esc(d.before.source)}, ${d.before.startedAt} |`,
    `| after | ${ICON[statusMark(d.after.status)]} ${esc(d.after.summary)} | ${esc(d.after.source)}, ${d.after.startedAt} |`,
    '',
    `**Verdict: ${d.before.status} → ${d.after.status}; ${outcome(d)}**`,
  ];
  for (const n of d.notes) out.push('', `> Note: ${esc(n)}`);
  const it = items(d);
  const section = (title: string, list: Item[]) => {
    if (list.length > 0)
      out.push('', `## ${title}`, '', ...list.map((x) => `- ${ICON[x.mark]} ${esc(x.label)}: ${esc(x.text)}`));
  };
  section('Endpoints', it.endpoints);
  section('Findings', it.findings);
  section(`Timings (${TIMING_FACTOR}× or more and ${TIMING_MIN_MS} ms or more)`, it.timings);
  return `${out.join('\n')}\n`;
}

export function renderDiffJson(d: ReportDiff): string {
  return inertJson(d);
}
