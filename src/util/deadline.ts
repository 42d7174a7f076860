/**
 * The only place that builds abort signals. A step signal fires at the step timeout, at the
 * run deadline or on Ctrl-C, whichever comes first; `abortKind` tells which, so a timeout is
 * recorded as evidence (TIMEOUT) and a deadline as ABORTED. Timers never keep the process alive.
 */
import { setMaxListeners } from 'node:events';

export class DeadlineReached extends Error {
  override name = 'DeadlineReached';
  constructor() {
    super('the run deadline was reached');
  }
}

export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor() {
    super('interrupted');
  }
}

export interface RunClock {
  /** Fires at the run deadline or on interruption. */
  signal: AbortSignal;
  /** Stop the deadline timer (end of run). */
  dispose(): void;
  /** Abort everything now (Ctrl-C). */
  interrupt(): void;
}

export function startRunClock(deadlineMs: number): RunClock {
  const ctl = new AbortController();
  // Every step listens on the run signal; many concurrent steps are expected, not a leak.
  setMaxListeners(0, ctl.signal);
  const timer = setTimeout(() => ctl.abort(new DeadlineReached()), deadlineMs);
  timer.unref();
  return {
    signal: ctl.signal,
    dispose: () => clearTimeout(timer),
    interrupt: () => ctl.abort(new Interrupted()),
  };
}

/**
 * A signal for one bounded step under `parent`. Built from a plain timer on purpose: in Node 20
 * `AbortSignal.any([parent, AbortSignal.timeout(ms)])` holds the timeout signal only weakly, and
 * a garbage collection in between silently cancels the timeout (seen here: a dropped SYN then
 * waited for the run deadline instead of the step timeout).
 */
export function stepSignal(parent: AbortSignal, ms: number): AbortSignal {
  const ctl = new AbortController();
  if (parent.aborted) {
    ctl.abort(parent.reason);
    return ctl.signal;
  }
  const onParent = () => {
    clearTimeout(timer);
    ctl.abort(parent.reason);
  };
  const timer = setTimeout(() => {
    parent.removeEventListener('abort', onParent);
    ctl.abort(new DOMException(STEP_TIMED_OUT, 'TimeoutError'));
  }, ms);
  timer.unref();
  parent.addEventListener('abort', onParent, { once: true });
  return ctl.signal;
}

export type AbortKind = 'timeout' | 'deadline' | 'interrupted';

/** The reason a step's own timeout aborts with (stepSignal). */
const STEP_TIMED_OUT = 'the step timed out';

/** Which of the doctor's own aborts this reason is (a step's timeout, the run deadline, Ctrl-C), or undefined for any other. */
export function abortReason(reason: unknown): 'step' | 'deadline' | 'interrupted' | undefined {
  if (reason instanceof DeadlineReached) return 'deadline';
  if (reason instanceof Interrupted) return 'interrupted';
  if (reason instanceof DOMException && reason.name === 'TimeoutError' && reason.message === STEP_TIMED_OUT)
    return 'step';
  return undefined;
}

export function abortKind(signal: AbortSignal): AbortKind {
  const r: unknown = signal.reason;
  if (r instanceof DeadlineReached) return 'deadline';
  if (r instanceof Interrupted) return 'interrupted';
  return 'timeout';
}

/** A promise that rejects (with `aborted: true`) when the signal aborts, to race a step against; never unhandled. */
export function whenAborted(signal: AbortSignal): Promise<never> {
  const p = new Promise<never>((_, reject) => {
    const fire = () => reject(Object.assign(new Error('aborted'), { aborted: true }));
    if (signal.aborted) fire();
    else signal.addEventListener('abort', fire, { once: true });
  });
  p.catch(() => {});
  return p;
}

/** Resolve after `ms`, or reject early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Milliseconds since `start` on a monotonic clock (default performance.now; the run's is DoctorDeps.io.clock.mono), rounded. */
export function since(start: number, mono: () => number = () => performance.now()): number {
  return Math.round(mono() - start);
}
