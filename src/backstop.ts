/**
 * The deadline backstop, part of the CLI layer (it ends the process, so only cli.ts starts it): a
 * worker thread that keeps the last report the main thread could print and, at --deadline +
 * LIMITS.backstopGraceMs, prints it and ends the process, even while the main thread is blocked by
 * synchronous work. Whoever prints first claims stdout through one shared flag, so exactly one report
 * is written. When the main thread still answers it exits with the report's code; when it is blocked,
 * the worker ends the process with SIGTERM (exit status 143) right after printing.
 *
 * `arm` may be called again for each address of a batch run: the deadline is per address; a batch
 * claims stdout for each line it writes and releases it after.
 */
import { Worker } from 'node:worker_threads';
import { LIMITS } from './limits.js';
import { DEFAULTS } from './options.js';

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
function backstopWorker(req: NodeRequire, shared: Int32Array, fd: number, graceMs: number, exitDelayMs: number): void {
  const { parentPort } = req('node:worker_threads') as typeof import('node:worker_threads');
  const fs = req('node:fs') as typeof import('node:fs');
  let text = 'imap-doctor: the run did not finish within its deadline, and no report was ready.\n';
  let code = 3;
  let evidence: string | undefined;
  let evidenceFd: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  const writeAll = (to: number, s: string): void => {
    const buf = Buffer.from(s, 'utf8');
    for (let off = 0; off < buf.length;) {
      try {
        off += fs.writeSync(to, buf, off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
        Atomics.wait(shared, 1, 0, 5);
      }
    }
  };
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
export function startBackstop(onFired: (code: number) => void, fd = 1): Backstop {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const source = `(${backstopWorker.toString()})(require, require('node:worker_threads').workerData.shared, ${fd}, ${LIMITS.backstopGraceMs}, ${DEFAULTS.backstopExitDelayMs});`;
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
