/** Step signals must fire at their timeout even under garbage collection, and follow the run signal. */
import { describe, expect, it } from 'vitest';
import {
  abortKind,
  abortReason,
  DeadlineReached,
  Interrupted,
  startRunClock,
  stepSignal,
} from '../../../src/util/deadline.js';

describe('stepSignal', () => {
  it('fires at the step timeout even when nothing else references it and GC runs', async () => {
    const run = new AbortController();
    let fired = false;
    stepSignal(run.signal, 50).addEventListener('abort', () => (fired = true));
    const gc = (globalThis as { gc?: () => void }).gc;
    // Allocate to provoke collections whether or not --expose-gc is on.
    for (let i = 0; i < 20; i++) {
      gc?.();
      void new Array(200_000).fill(i);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(fired).toBe(true);
  });

  it('is aborted by the run deadline with a reason that says so', () => {
    const clock = startRunClock(60_000);
    const s = stepSignal(clock.signal, 60_000);
    expect(s.aborted).toBe(false);
    clock.interrupt();
    expect(s.aborted).toBe(true);
    expect(abortKind(s)).toBe('interrupted');
    clock.dispose();
  });

  it('tells a timeout from the deadline', async () => {
    const ctl = new AbortController();
    const s = stepSignal(ctl.signal, 10);
    await new Promise((r) => s.addEventListener('abort', r));
    expect(abortKind(s)).toBe('timeout');
    const d = new AbortController();
    d.abort(new DeadlineReached());
    expect(abortKind(stepSignal(d.signal, 1000))).toBe('deadline');
  });

  it('many steps on one run signal print no listener-leak warning', async () => {
    const warnings: string[] = [];
    const on = (w: Error) => warnings.push(w.name);
    process.on('warning', on);
    const clock = startRunClock(60_000);
    for (let i = 0; i < 50; i++) stepSignal(clock.signal, 5);
    await new Promise((r) => setTimeout(r, 30));
    process.off('warning', on);
    clock.dispose();
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});

describe('abortReason: which of the doctor’s own aborts a reason is', () => {
  it('a step’s timeout, the run deadline, Ctrl-C; anything else is not the doctor’s', async () => {
    const step = stepSignal(new AbortController().signal, 1);
    await new Promise((r) => step.addEventListener('abort', r, { once: true }));
    expect(abortReason(step.reason)).toBe('step');
    expect(abortReason(new DeadlineReached())).toBe('deadline');
    expect(abortReason(new Interrupted())).toBe('interrupted');
    expect(abortReason(new DOMException('other words', 'TimeoutError'))).toBeUndefined();
    expect(abortReason(new Error('socket hang up'))).toBeUndefined();
    expect(abortReason(undefined)).toBeUndefined();
  });
});
