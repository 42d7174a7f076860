/**
 * The test tree follows src/ (test/README.md): a test of src/<dir>/<file>.ts is
 * test/unit/<dir>/<file>.test.ts, or <file>.<aspect>.test.ts when one module has several; tests that
 * start a server live under test/integration/ by the same rule. Unit tests start no server and no CLI.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** The src/ module a test file mirrors: test/<kind>/<dir>/<base>[.<aspect>].test.ts → src/<dir>/<base>.ts. */
function mirrored(kind: 'unit' | 'integration', file: string): string {
  const rel = path.relative(path.join(ROOT, 'test', kind), file);
  const base =
    path
      .basename(rel)
      .replace(/\.test\.ts$/, '')
      .split('.')[0] ?? '';
  return path.join('src', path.dirname(rel), `${base}.ts`);
}

const SELF = path.join(ROOT, 'test/unit/layout.test.ts');
/** Rules about the whole tree (this layout, the layers' imports) mirror no single module. */
const WHOLE_TREE = new Set([SELF, path.join(ROOT, 'test/unit/layers.test.ts')]);

describe('test/ mirrors src/', () => {
  it.each(['unit', 'integration'] as const)(
    'every test under test/%s/ names a src/ module by its directory and file',
    (kind) => {
      const tests = files(path.join(ROOT, 'test', kind)).filter((f) => f.endsWith('.test.ts') && !WHOLE_TREE.has(f));
      expect(tests.length).toBeGreaterThan(kind === 'unit' ? 50 : 5);
      const astray = tests
        .filter((f) => !existsSync(path.join(ROOT, mirrored(kind, f))))
        .map((f) => `${path.relative(ROOT, f)} (no ${mirrored(kind, f)})`);
      expect(astray).toEqual([]);
    },
  );

  it('test/unit/ holds tests only: shared builders live in test/helpers/', () => {
    const others = files(path.join(ROOT, 'test/unit')).filter(
      (f) => !f.endsWith('.test.ts') && !f.includes(`${path.sep}__snapshots__${path.sep}`),
    );
    expect(others.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('no unit test starts a server, the lab or the CLI (those go to test/integration/ or test/e2e/)', () => {
    const starts =
      /\.listen\(|from '[./]+\/servers\/(?!https-server\.js')|startTcpServer|startDnsServer|startHttpsServer|from '[./]+\/e2e\/cli-runner|bin\/imap-doctor|inject\('lab'\)/;
    const offenders = files(path.join(ROOT, 'test/unit'))
      .filter((f) => f.endsWith('.test.ts') && f !== SELF && starts.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
