/**
 * Every diagnosis the e2e suites run also saves its evidence (the runner adds --save-evidence),
 * and this checks, with the real `show` (in-process, no network):
 *   - re-judging the evidence gives the run's own report (JSON runs) or text (text/Markdown runs);
 *   - the report, saved as JSON and shown again, prints the run's own text (apart from the one
 *     "loaded from" line), with the same --verbose/--quiet/--format.
 * So every report the suite produces round-trips through `show`, and all its evidence re-judges.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { runShow } from '../helpers/show.js';

/** The display flags of a run (and its --fail-on), to show its report the same way. */
function displayArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--verbose' || a === '--quiet' || a === '--json') out.push(a);
    if (a === '--format' || a === '--fail-on') out.push(a, args[i + 1] as string);
  }
  return out;
}

/** The output of `show` without its first line, the one that says where the report came from. */
export function withoutSourceLine(shown: string, format: string): string {
  if (format === 'markdown') return shown.replace(/^_[^\n]*_\n\n/, '');
  if (format === 'html') return shown.replace(/<p class="source">[^<]*<\/p>\n/, '');
  return shown.slice(shown.indexOf('\n') + 1);
}

function formatOf(args: string[]): string {
  if (args.includes('--json')) return 'json';
  const i = args.indexOf('--format');
  return i >= 0 ? (args[i + 1] as string) : 'text';
}

/** Drops what only one side of a comparison carries. */
function comparable(report: Record<string, unknown>): Record<string, unknown> {
  const { evidence: _e, rejudged: _r, ...rest } = report;
  return rest;
}

export async function checkRoundTrip(
  args: string[],
  run: { code: number; stdout: string },
  evidenceFile: string,
): Promise<void> {
  const display = displayArgs(args);
  const format = formatOf(args);
  const where = `round trip of: imap-doctor ${args.join(' ')}`;
  const failOn = display.includes('--fail-on')
    ? ['--fail-on', display[display.indexOf('--fail-on') + 1] as string]
    : [];
  const rejudged = await runShow(['show', '--rejudge', evidenceFile, '--format', 'json', ...failOn]);
  expect(rejudged.stderr, where).toBe('');
  expect(rejudged.code, `${where}: show --rejudge exits as the run did`).toBe(run.code);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-rt-'));
  try {
    const reportFile = path.join(dir, 'report.json');
    if (format === 'json') {
      const own = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(
        comparable(JSON.parse(rejudged.stdout) as Record<string, unknown>),
        `${where}: re-judged evidence = the run's report`,
      ).toEqual(comparable(own));
      writeFileSync(reportFile, run.stdout);
      const again = await runShow(['show', reportFile, '--format', 'json']);
      expect(again.stdout, `${where}: show --format json prints the report unchanged`).toBe(run.stdout);
      const text = await runShow(['show', reportFile]);
      const rejudgedText = await runShow(['show', '--rejudge', evidenceFile]);
      expect(withoutSourceLine(text.stdout, 'text'), `${where}: text of the report = text of its evidence`).toBe(
        withoutSourceLine(rejudgedText.stdout, 'text'),
      );
      return;
    }
    const rejudgedText = await runShow(['show', '--rejudge', evidenceFile, ...display]);
    expect(withoutSourceLine(rejudgedText.stdout, format), `${where}: re-judged text = the run's text`).toBe(
      run.stdout,
    );
    writeFileSync(reportFile, rejudged.stdout);
    const shown = await runShow(['show', reportFile, ...display]);
    expect(shown.code, where).toBe(run.code);
    expect(withoutSourceLine(shown.stdout, format), `${where}: show of the report = the run's text`).toBe(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
