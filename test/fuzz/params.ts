/**
 * One setting for every property test: how many cases and which seed. `npm test` runs the default
 * count (a few thousand cases over all properties); `npm run fuzz` multiplies it (FUZZ_SCALE). The
 * seed is random per run and printed once per test file; FUZZ_SEED=<n> repeats a run exactly.
 */
import type { Parameters } from 'fast-check';

const seed =
  process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 0x7fffffff);
const scale = Math.max(0.01, Number(process.env.FUZZ_SCALE ?? 1));
let printed = false;

/** fast-check parameters for a property that runs `runs` cases in `npm test`. */
export function fuzzParams<T = unknown>(runs = 200): Parameters<T> {
  if (!printed) {
    printed = true;
    process.stderr.write(`fuzz: seed ${seed} (repeat with FUZZ_SEED=${seed}), ${scale} × the default case counts\n`);
  }
  return { seed, numRuns: Math.max(1, Math.round(runs * scale)) };
}

/** A test timeout that grows with FUZZ_SCALE, for properties whose cases take real time. */
export function fuzzTimeout(ms: number): number {
  return Math.max(ms, Math.round(ms * scale));
}
