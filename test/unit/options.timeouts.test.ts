/**
 * Timeouts live in one place: DEFAULTS in src/options.ts (and bounds in LIMITS, src/limits.ts).
 * Fails when a source file elsewhere defines a millisecond constant or hands a timer a bare number.
 * Judging thresholds of checks and the report (clock skew, a timing difference worth a diff line)
 * are not timeouts and stay with the rule that uses them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/options.js';

const SRC = path.resolve(__dirname, '../../src');
const HOMES = new Set(['options.ts', 'limits.ts']);
/** Thresholds a check or the report judges with: not a wait. */
const JUDGING = ['checks/', 'report/'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
}

describe('timeouts in one place', () => {
  const files = sources(SRC)
    .map((f) => ({ rel: path.relative(SRC, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }))
    .filter((f) => !HOMES.has(f.rel) && !JUDGING.some((j) => f.rel.startsWith(j)));

  it('no millisecond constant is defined outside src/options.ts and src/limits.ts', () => {
    const found = files.flatMap((f) =>
      [...f.text.matchAll(/\b(?:const|let)\s+([A-Z][A-Z0-9_]*_MS)\s*=\s*[\d(]/g)].map((m) => `${f.rel}: ${m[1]}`),
    );
    expect(found).toEqual([]);
  });

  it('no timer is given a bare number of milliseconds', () => {
    const found = files.flatMap((f) =>
      [...f.text.matchAll(/\bset(?:Timeout|Interval)\([^;]*?,\s*(\d[\d_]*)\s*\)/g)]
        .filter((m) => m[1] !== '0')
        .map((m) => `${f.rel}: ${m[0].slice(0, 80)}`),
    );
    expect(found).toEqual([]);
  });

  it('the moved waits are in DEFAULTS, each a positive number of milliseconds', () => {
    for (const k of [
      'hangUpGraceMs',
      'loginCloseGraceMs',
      'headStartMaxMs',
      'discoveryPhaseSlackMs',
      'dnsTryFloorMs',
      'gaiTimeoutFloorMs',
      'fallbackLookupMs',
      'backstopExitDelayMs',
    ] as const) {
      expect(DEFAULTS[k], k).toBeGreaterThan(0);
    }
  });
});
