/**
 * The support desk's commands: `show` renders a saved report (or re-judges saved evidence with
 * today's checks) and `diff` compares two reports. Neither touches the network. Bad input is an
 * InputError (exit 2); otherwise `show` exits as the saved run did and `diff` exits 1 when
 * "after" is worse. Registered on the CLI by ./register.ts, which loads this module only when
 * one of them runs; all I/O comes in through `deps`.
 */
import { Chalk } from 'chalk';
import { InputError } from '../address.js';
import type { Report } from '../model/report.js';
import type { FailOn } from '../options.js';
import { diffReports } from '../report/diff.js';
import { judgeEvidence } from '../report/judge.js';
import { redactReport } from '../report/redact.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../render/diff.js';
import { esc } from '../render/markdown.js';
import { withSourceNote } from '../render/html.js';
import { visible } from '../render/visible.js';
import { displayFrom, renderReport, type Display, type Screen } from '../render/format.js';
import { loadEvidence, loadReport, readSource, type Source } from './load.js';

export interface SupportDeps extends Screen {
  stdin: AsyncIterable<unknown>;
  out: (s: string) => void;
  /** The doctor running now (a re-judged report names it). */
  tool: Report['tool'];
  exitCodeFor: (r: Report, failOn?: FailOn) => number;
  setCode: (code: number) => void;
}

type Flags = Record<string, unknown>;

/** --now: an ISO 8601 date, or "now". */
function parseNow(v: string): Date {
  const d = v === 'now' ? new Date() : new Date(v);
  if (Number.isNaN(d.getTime()))
    throw new InputError(
      `--now "${v}" is not a date (use ISO 8601, e.g. 2027-01-15 or 2027-01-15T12:00:00Z, or "now")`,
    );
  return d;
}

/**
 * The one line that says where the report came from; the rest is what the run printed. JSON gets
 * none (a re-judged report says so in `rejudged`); HTML gets it as the page's first paragraph.
 */
function withSourceLine(rendered: string, d: Display, raw: string): string {
  // The line names a file the user gave: printed with its control characters made visible, like the report.
  const line = visible(raw);
  switch (d.format) {
    case 'text':
      return `${new Chalk({ level: d.text.color ? 1 : 0 }).dim(line)}\n${rendered}`;
    case 'markdown':
      return `_${esc(line)}_\n\n${rendered}`;
    case 'html':
      return withSourceNote(rendered, line);
    default:
      return rendered;
  }
}

async function rejudge(src: Source, o: Flags, tool: Report['tool']): Promise<{ report: Report; line: string }> {
  const ev = await loadEvidence(src);
  const now = typeof o.now === 'string' ? parseNow(o.now) : new Date(ev.startedAt);
  let report = judgeEvidence(ev, { now, tool });
  report.rejudged = { asOf: now.toISOString(), gatheredBy: ev.tool };
  // Evidence saved by a --redact run was redacted when saved; its report stays redacted.
  if (ev.options.redact === true) report = redactReport(report);
  const line = `(re-judged from ${src.name}: evidence gathered ${ev.startedAt} by imap-doctor ${ev.tool.version}, judged as of ${now.toISOString()}; nothing was probed now)`;
  return { report, line };
}

async function showSaved(src: Source): Promise<{ report: Report; line: string }> {
  const report = await loadReport(src);
  return {
    report,
    line: `(loaded from ${src.name}: saved ${report.startedAt} by imap-doctor ${report.tool.version}; nothing was probed now)`,
  };
}

export async function show(file: string | undefined, o: Flags, deps: SupportDeps): Promise<number> {
  if (!file) throw new InputError('show needs a file: imap-doctor show report.json (or - for standard input)');
  if (o.now !== undefined && !o.rejudge) throw new InputError('--now only applies with --rejudge');
  const src = await readSource(file, deps.stdin);
  const shown = o.rejudge ? await rejudge(src, o, deps.tool) : await showSaved(src);
  const report = o.redact === true ? redactReport(shown.report) : shown.report;
  const d = displayFrom(o, deps);
  deps.out(withSourceLine(await renderReport(report, d), d, shown.line));
  return deps.exitCodeFor(report, o.failOn as FailOn);
}

export async function diff(beforeFile: string, afterFile: string, o: Flags, deps: SupportDeps): Promise<number> {
  if (beforeFile === '-' && afterFile === '-')
    throw new InputError('diff can read only one of the two reports from standard input');
  const load = async (f: string) => {
    const r = await loadReport(await readSource(f, deps.stdin));
    return o.redact === true ? redactReport(r) : r;
  };
  const before = await load(beforeFile);
  const after = await load(afterFile);
  const d = diffReports(before, after, {
    before: beforeFile === '-' ? 'standard input' : beforeFile,
    after: afterFile === '-' ? 'standard input' : afterFile,
  });
  const display = displayFrom(o, deps);
  deps.out(
    display.format === 'json'
      ? renderDiffJson(d)
      : display.format === 'markdown'
        ? renderDiffMarkdown(d)
        : renderDiffText(d, { color: display.text.color }),
  );
  return d.worse ? 1 : 0;
}
