/**
 * The deadline backstop, part of the CLI layer (it ends the process, so only cli.ts starts it): at
 * --deadline + LIMITS.backstopGraceMs it prints the last report the main thread could render and ends
 * the process, even while the main thread is blocked by synchronous work. Whoever prints first claims
 * stdout, so exactly one report is written. When the main thread still answers it prints and exits with
 * the report's code; when it is blocked, something outside it prints and ends the process with SIGTERM
 * (exit status 143) right after.
 *
 * A single run (`startBackstop`): the main thread's own timer, and for a blocked main thread a watchdog
 * process of a few lines of /bin/sh, which costs a fork and an exec instead of a second Node environment
 * (a worker thread's boot was ~75 ms CPU, a sixth of a healthy run's budget). The report and the
 * evidence text are kept in a private scratch directory it reads; the claim is `mkdir` of one name
 * there, atomic for both. A batch (`startWorkerBackstop`), where `arm` is called again for each
 * address (the deadline is per address) and each line written is claimed and released, keeps one
 * worker thread for the whole batch; so does a platform without /bin/sh, or a run without a writable
 * temporary directory.
 *
 * Should the watchdog claim first while the main thread is free after all (a main timer late by more
 * than DEFAULTS.backstopExitDelayMs), the main thread prints nothing and may exit before the watchdog's
 * SIGTERM: that signal then goes to a pid that ended microseconds before, which Linux does not hand out
 * again until its pid space wraps around.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LIMITS } from './limits.js';
import { DEFAULTS } from './options.js';
import { succeeds } from './util/succeeds.js';

export interface Backstop {
  /** Fire at `deadlineMs` + the grace from now (re-arming replaces the previous deadline); the evidence file (--save-evidence) too. */
  arm(deadlineMs: number, evidenceFd?: number | null): void;
  /** The report to print if it fires, the exit code that goes with it, and the evidence file's text. */
  feed(text: string, code: number, evidence?: string): void;
  /** The main thread wants to print its own report: true when it may (the backstop has not printed). */
  claim(): boolean;
  /** After claim(): the main thread has written (one line of a batch); the backstop may print again. */
  release(): void;
  /** Nothing to guard any more. */
  disarm(): void;
}

const FS = { writeSync };

/** Printed when the deadline came before any report was fed. */
const NO_REPORT = 'imap-doctor: the run did not finish within its deadline, and no report was ready.\n';

/** Who owns stdout (shared[0]): nobody yet, the main thread, or the backstop (2; the worker writes it literally). */
const FREE = 0;
const MAIN = 1;

type ToWorker =
  | { kind: 'arm'; at: number; evidenceFd: number | null }
  | { kind: 'feed'; text: string; code: number; evidence?: string }
  | { kind: 'disarm' };

/**
 * The worker's body, run from its source text (works from a bundle or a single executable too):
 * nothing here may refer to anything outside the function.
 */
function backstopWorker(
  req: NodeRequire,
  shared: Int32Array,
  fd: number,
  graceMs: number,
  exitDelayMs: number,
  noReport: string,
  write: typeof writeAll,
): void {
  const { parentPort } = req('node:worker_threads') as typeof import('node:worker_threads');
  const fs = req('node:fs') as typeof import('node:fs');
  let text = noReport;
  let code = 3;
  let evidence: string | undefined;
  let evidenceFd: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  const writeAll = (to: number, s: string) => write(fs, to, s);
  const fire = (): void => {
    if (Atomics.compareExchange(shared, 0, 0, 2) !== 0) return;
    if (evidenceFd !== null && evidence) writeAll(evidenceFd, evidence);
    writeAll(fd, text);
    parentPort?.postMessage({ kind: 'fired', code });
    // A main thread that still answers exits with the report's code; a blocked one is ended here.
    setTimeout(() => process.kill(process.pid, 'SIGTERM'), exitDelayMs);
  };
  parentPort?.on(
    'message',
    (m: { kind: string; at?: number; evidenceFd?: number | null; text?: string; code?: number; evidence?: string }) => {
      if (m.kind === 'arm') {
        evidenceFd = m.evidenceFd ?? null;
        // `at` is wall-clock time: the worker's own start-up does not push the deadline back.
        clearTimeout(timer);
        timer = setTimeout(fire, Math.max(0, (m.at ?? 0) + graceMs - Date.now()));
      } else if (m.kind === 'feed') {
        text = m.text ?? text;
        code = m.code ?? code;
        evidence = m.evidence;
      } else if (m.kind === 'disarm') {
        clearTimeout(timer);
        parentPort?.close();
      }
    },
  );
}

/** Starts the worker; `onFired` runs on the main thread (when it is free) with the printed report's exit code. */
export function startWorkerBackstop(onFired: (code: number) => void, fd = 1): Backstop {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const source = `(${backstopWorker.toString()})(require, require('node:worker_threads').workerData.shared, ${fd}, ${LIMITS.backstopGraceMs}, ${DEFAULTS.backstopExitDelayMs}, ${JSON.stringify(NO_REPORT)}, ${writeAll.toString()});`;
  const worker = new Worker(source, { eval: true, workerData: { shared }, stdout: false, stderr: false });
  worker.unref();
  worker.on('error', () => {});
  worker.on('message', (m: { kind: string; code: number }) => {
    if (m.kind === 'fired') onFired(m.code);
  });
  const send = (m: ToWorker) => worker.postMessage(m);
  return {
    arm: (ms, evidenceFd = null) => send({ kind: 'arm', at: Date.now() + ms, evidenceFd }),
    feed: (text, code, evidence) => send({ kind: 'feed', text, code, ...(evidence ? { evidence } : {}) }),
    claim: () => {
      const was = Atomics.compareExchange(shared, 0, FREE, MAIN);
      return was === FREE || was === MAIN;
    },
    release: () => void Atomics.compareExchange(shared, 0, MAIN, FREE),
    disarm: () => send({ kind: 'disarm' }),
  };
}

/**
 * The watchdog process (POSIX sh; $1 the scratch directory, $2 the pid to end, $3 seconds to wait; fd 3
 * the evidence file, when there is one). A sleeping subshell claims, prints and ends the run; the shell
 * itself reads its stdin, a pipe from the run, until end of file: the run ended or closed it, so the
 * whole process group (detached: its own) goes, sleeper included, without acting. A closed stdout
 * (SIGPIPE ignored) does not keep it from ending the run.
 */
const WATCHDOG = `trap '' PIPE
(sleep "$3" && mkdir "$1/claim" 2>/dev/null || exit 0
if [ -f "$1/evidence" ]; then cat "$1/evidence" >&3; fi
cat "$1/report"
kill -TERM "$2"
rm -rf "$1") &
while read -r line; do :; done
rm -rf "$1"
kill -KILL 0`;

/**
 * Writes all of `s` to `fd`, waiting out a full non-blocking pipe; a closed one (EPIPE) ends it. Also
 * run in the worker from its source text: nothing here may refer to anything outside the function.
 */
function writeAll(fs: { writeSync: typeof writeSync }, fd: number, s: string): void {
  const buf = Buffer.from(s, 'utf8');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let off = 0; off < buf.length;) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/** The watchdog for a blocked main thread, started at `arm`; `close` ends it (never a pid it did not start). */
function startWatchdog(dir: string, fd: number, evidenceFd: number | null, waitMs: number) {
  let child: ChildProcess | null = null;
  try {
    child = spawn(
      '/bin/sh',
      ['-c', WATCHDOG, 'imap-doctor-backstop', dir, String(process.pid), (waitMs / 1000).toFixed(3)],
      {
        stdio: ['pipe', fd, 'ignore', ...(evidenceFd === null ? [] : [evidenceFd])],
        detached: true,
      },
    );
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    // No process could be started (out of pids or fds): the main thread's own timer still guards the run.
  }
  return {
    close: () => {
      // Its pid is its process group's (detached); not yet reaped, so it cannot have been reused.
      try {
        if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
      child = null;
    },
  };
}

/** A single run's private scratch directory: the report and evidence the watchdog would print, and the claim. */
function scratchDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'imap-doctor-'));
  const claimed = path.join(dir, 'claim');
  return {
    dir,
    put: (name: string, text: string) => {
      // Written aside and renamed: the watchdog reads a whole report, never half of one. A failed write
      // (a full disk) leaves the one before.
      try {
        writeFileSync(path.join(dir, `.${name}`), text);
        renameSync(path.join(dir, `.${name}`), path.join(dir, name));
      } catch {
        // the main thread's own timer prints `last` all the same
      }
    },
    /** `mkdir`, atomic for the main thread and the watchdog alike: true for the one that made it. */
    claim: (): boolean => {
      try {
        mkdirSync(claimed);
        return true;
      } catch {
        return false;
      }
    },
    release: () => rmdirSync(claimed),
    remove: () => {
      // What this module puts there, by name: cheaper than a recursive removal, which loads Node's rimraf
      // and stats every entry; anything else found there (there should be nothing) falls back to it.
      for (const name of ['report', 'evidence', '.report', '.evidence'])
        succeeds(() => unlinkSync(path.join(dir, name)));
      succeeds(() => rmdirSync(claimed));
      if (!succeeds(() => rmdirSync(dir))) succeeds(() => rmSync(dir, { recursive: true, force: true }));
    },
  };
}

/**
 * The backstop of a single run: the main thread's timer prints the last report fed and exits with its
 * code (`onFired`); a watchdog process does the same DEFAULTS.backstopExitDelayMs later, for a main
 * thread too blocked to, and ends the process with SIGTERM. Without /bin/sh (win32) or a writable
 * temporary directory, the worker thread.
 */
export function startBackstop(onFired: (code: number) => void, fd = 1): Backstop {
  let scratch: ReturnType<typeof scratchDir> | null;
  try {
    scratch = process.platform === 'win32' ? null : scratchDir();
  } catch {
    scratch = null; // no writable temporary directory
  }
  if (!scratch) return startWorkerBackstop(onFired, fd);
  let watchdog: { close(): void } | null = null;
  let timer: NodeJS.Timeout | undefined;
  let mine = false;
  let evidenceFd: number | null = null;
  let last: { text: string; code: number; evidence?: string } = { text: NO_REPORT, code: 3 };
  const claim = (): boolean => mine || !scratch || (mine = scratch.claim());
  const stop = () => {
    clearTimeout(timer);
    watchdog?.close();
    watchdog = null;
  };
  const end = () => {
    stop();
    scratch?.remove();
    scratch = null;
  };
  const fire = () => {
    if (!claim()) return;
    if (evidenceFd !== null && last.evidence) writeAll(FS, evidenceFd, last.evidence);
    writeAll(FS, fd, last.text);
    onFired(last.code);
  };
  // However the process exits (bad input, a closed stdout, a crash), the watchdog and the scratch
  // directory go too, unless the watchdog has claimed (it prints, ends the run and removes both).
  process.on('exit', () => void (scratch && claim() && end()));
  scratch.put('report', last.text);
  return {
    arm: (ms, evFd = null) => {
      if (!scratch) return;
      stop();
      evidenceFd = evFd;
      timer = setTimeout(fire, ms + LIMITS.backstopGraceMs);
      timer.unref();
      const waitMs = ms + LIMITS.backstopGraceMs + DEFAULTS.backstopExitDelayMs;
      watchdog = startWatchdog(scratch.dir, fd, evFd, waitMs);
    },
    feed: (text, code, evidence) => {
      last = { text, code, ...(evidence ? { evidence } : {}) };
      scratch?.put('report', text);
      if (evidence) scratch?.put('evidence', evidence);
    },
    claim,
    release: () => {
      if (mine) scratch?.release();
      mine = false;
    },
    disarm: () => void (claim() && end()),
  };
}
