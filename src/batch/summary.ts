/**
 * What a batch prints besides the reports: one text line per address, the closing summary, and the
 * batch's exit code, the worst of all its runs (internal error 3 > interrupted 130 > usage 2 >
 * problems 1 > ok 0). Pure functions of the reports' verdicts and the counts.
 */
import { Chalk } from 'chalk';
import type { Report } from '../model/report.js';
import { symbol } from '../render/symbols.js';
import { visible } from '../render/visible.js';
import type { ShareStats } from './share.js';

const BADNESS = [0, 1, 2, 130, 3];

/** The worse of two exit codes (an unknown code counts as the worst). */
export function worseExit(a: number, b: number): number {
  const rank = (c: number) => (BADNESS.includes(c) ? BADNESS.indexOf(c) : BADNESS.length);
  return rank(b) > rank(a) ? b : a;
}

/** One address's line: its status mark, the address, the verdict and the root cause's code. */
export function reportLine(r: Report, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const v = r.verdict;
  const mark =
    v.status === 'ok'
      ? c.green(symbol('ok'))
      : v.status === 'error'
        ? c.red(symbol('error'))
        : c.yellow(symbol('warning'));
  const root = v.status === 'ok' ? undefined : r.findings.find((f) => f.severity === v.status && !f.causedBy);
  return visible(`${mark} ${c.bold(r.input.address)}  ${v.summary}${root ? ` ${c.dim(`[${root.code}]`)}` : ''}`);
}

export interface Tally {
  ok: number;
  warning: number;
  error: number;
  badLines: number;
  /** Reports with an INTERNAL_ERROR (a doctor bug, or a run past its deadline). */
  internal: number;
}

export function emptyTally(): Tally {
  return { ok: 0, warning: 0, error: 0, badLines: 0, internal: 0 };
}

export function countReport(t: Tally, r: Report): void {
  t[r.verdict.status]++;
  if (r.findings.some((f) => f.code === 'INTERNAL_ERROR')) t.internal++;
}

export interface SummaryFacts {
  tally: Tally;
  total: number;
  ms: number;
  exit: number;
  share: ShareStats;
  /** Set when Ctrl-C stopped the batch. */
  interrupted?: { notStarted: number };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The closing lines: what finished, how fast, what was shared, and the exit code. */
export function summaryText(s: SummaryFacts): string {
  const t = s.tally;
  const done = t.ok + t.warning + t.error;
  const rate = s.ms > 0 ? ` (${((done * 1000) / s.ms).toFixed(1)} addresses/s)` : '';
  const lines = [
    `Batch: ${plural(done, 'address', 'addresses')} of ${s.total} diagnosed in ${(s.ms / 1000).toFixed(1)} s${rate}: ${t.ok} working, ${plural(t.warning, 'warning')}, ${plural(t.error, 'problem')}.`,
  ];
  if (t.internal > 0) lines.push(`${plural(t.internal, 'report')} with an internal error (INTERNAL_ERROR).`);
  if (t.badLines > 0) lines.push(`${plural(t.badLines, 'line')} could not be read (see the errors above).`);
  if (s.interrupted)
    lines.push(`Interrupted (Ctrl-C): ${plural(s.interrupted.notStarted, 'address', 'addresses')} not started.`);
  const sh = s.share;
  lines.push(
    `Shared: ${plural(sh.discoveries, 'discovery', 'discoveries')}, ${plural(sh.probes, 'endpoint probe')}, ${plural(sh.lookups + sh.queries, 'DNS lookup')}; ${sh.reused} answered from the shared results.`,
  );
  lines.push(`Exit code ${s.exit} (the worst of all runs).`);
  return `${lines.join('\n')}\n`;
}
