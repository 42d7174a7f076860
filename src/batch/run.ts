/**
 * Runs the addresses of a batch, at most `concurrency` at once, each a whole doctor run with its own
 * deadline (--deadline is per address) on the shared discovery, probes and DNS cache. Nothing here
 * prints: each address's report goes to `onReport` the moment it is ready. A run still going at its
 * deadline + LIMITS.backstopGraceMs is not waited for: the report of what it knew then is taken (as
 * the CLI's backstop does for one run), so no address can hold up the batch. `interrupt()` (Ctrl-C)
 * starts nothing more and cuts the running ones short; their reports still come.
 */
import { thrown } from '../errors/classify.js';
import { runDoctor, type DoctorDeps, type RunProgress } from '../doctor.js';
import { LIMITS } from '../limits.js';
import type { Report } from '../model/report.js';
import type { RunEvidence } from '../model/run-evidence.js';
import type { RunOptions } from '../options.js';
import type { RunClock } from '../util/deadline.js';
import { mapLimit } from '../util/limit.js';
import type { BatchEntry } from './input.js';
import type { BatchShare } from './share.js';

export interface BatchRunDeps {
  concurrency: number;
  /** The shared work (made with the first address's options), to interrupt on Ctrl-C. */
  share(): BatchShare | undefined;
  /** The options of one line; a thrown Error is that line's error (its message is shown). */
  optionsFor(e: BatchEntry): Promise<RunOptions>;
  /** The doctor's deps for every address (shared discover/lookup/probe already in), once optionsFor has run. */
  doctor(): Omit<DoctorDeps, 'onClock' | 'onEvidence' | 'onProgress'>;
  onStart?(e: BatchEntry, opts: RunOptions): void;
  /** Awaited before each address starts: lets the output drain (and the event loop turn) first. */
  ready(): Promise<void>;
  onReport(e: BatchEntry, opts: RunOptions, report: Report, evidence: RunEvidence | undefined): void;
  onBadLine(line: number, message: string): void;
}

export interface BatchRun {
  done: Promise<void>;
  /** Ctrl-C: nothing more starts, the running addresses are cut short (their reports still come). */
  interrupt(): void;
  readonly interrupted: boolean;
  /** Addresses whose report came, and those never started. */
  counts(): { finished: number; notStarted: number };
}

/** The report of what an address knew at deadline + grace, if its run has not ended by then. */
function overrun(
  opts: RunOptions,
  progress: () => RunProgress | undefined,
): { p: Promise<{ report: Report; evidence: RunEvidence } | null>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const p = new Promise<{ report: Report; evidence: RunEvidence } | null>((resolve) => {
    timer = setTimeout(() => {
      const pr = progress();
      resolve(pr ? pr.partial({ step: 'backstop', phase: 'progress', graceS: LIMITS.backstopGraceMs / 1000 }) : null);
    }, opts.deadlineMs + LIMITS.backstopGraceMs);
  });
  return { p, cancel: () => clearTimeout(timer) };
}

export function runBatch(entries: readonly BatchEntry[], d: BatchRunDeps): BatchRun {
  let interrupted = false;
  let started = 0;
  let finished = 0;
  const clocks = new Set<RunClock>();
  const one = async (e: BatchEntry): Promise<void> => {
    // Shared results are often settled already: without this, a whole batch could run in one chain of
    // microtasks, with no timer, signal or stdout flush in between.
    await d.ready();
    if (interrupted) return;
    started++;
    let opts: RunOptions;
    try {
      opts = await d.optionsFor(e);
    } catch (err) {
      d.onBadLine(e.line, err instanceof Error ? err.message : String(err));
      finished++;
      return;
    }
    d.onStart?.(e, opts);
    let progress: RunProgress | undefined;
    let evidence: RunEvidence | undefined;
    let clock: RunClock | undefined;
    const late = overrun(opts, () => progress);
    const run = runDoctor(opts, {
      ...d.doctor(),
      onClock: (c) => {
        clock = c;
        clocks.add(c);
        if (interrupted) c.interrupt();
      },
      onProgress: (p) => (progress = p),
      onEvidence: (x) => (evidence = x),
    }).then((report) => ({ report, evidence }));
    const r = (await Promise.race([run, late.p])) ?? (await run);
    late.cancel();
    if (clock) clocks.delete(clock);
    finished++;
    d.onReport(e, opts, r.report, r.evidence);
  };
  // A doctor bug outside the run's own guard costs that line, never the batch.
  const guarded = (e: BatchEntry) =>
    one(e).catch((err: unknown) => d.onBadLine(e.line, `internal error: ${thrown(err).text} (please report this bug)`));
  const done = mapLimit(entries, d.concurrency, guarded).then(() => undefined);
  return {
    done,
    interrupt: () => {
      interrupted = true;
      d.share()?.interrupt();
      for (const c of clocks) c.interrupt();
    },
    get interrupted() {
      return interrupted;
    },
    counts: () => ({ finished, notStarted: entries.length - started }),
  };
}
