/**
 * Every check in the checklist (CHECKS of src/checks/index.ts) has a unit test on hand-built evidence:
 * some file under test/unit/checks/ names the check's id (as in describe('tls/expiry', …)) or the
 * exported constant that holds it. A new check without one fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, type Check } from '../../../src/checks/index.js';
import { ROOT } from '../../helpers/paths.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Each check object with the name it is exported under, found by importing every module of src/checks/. */
async function exportNames(): Promise<Map<Check, string>> {
  const names = new Map<Check, string>();
  for (const file of files(path.join(ROOT, 'src/checks')).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod))
      if (CHECKS.includes(value as Check)) names.set(value as Check, name);
  }
  return names;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const tests = files(path.join(ROOT, 'test/unit/checks'))
  .filter((f) => f.endsWith('.test.ts') && !f.endsWith('index.coverage.test.ts'))
  .map((f) => readFileSync(f, 'utf8'));

describe('every check has a unit test', () => {
  it('the checklist is not empty and its ids are unique', () => {
    expect(CHECKS.length).toBeGreaterThan(40);
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  });

  it('each check id (or its exported name) is named by a test under test/unit/checks/', async () => {
    const names = await exportNames();
    const untested = CHECKS.filter((c) => {
      // The id as a word of its own (not part of an import path like checks/tls/expiry.js).
      const id = new RegExp(`(?<![\\w/.-])${escape(c.id)}(?![\\w/.-])`);
      const name = names.get(c);
      const byName = name ? new RegExp(`\\b${escape(name)}\\b`) : null;
      return !tests.some((t) => id.test(t) || (byName !== null && byName.test(t)));
    }).map((c) => c.id);
    expect(untested).toEqual([]);
  });
});
