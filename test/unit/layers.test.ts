/**
 * The layering of docs/architecture.md, as far as imports show it: what gathers evidence
 * (src/discovery, src/dns, src/probes) and the model never import a check, the report or a
 * renderer, and take nothing but types from the catalogue.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every `import … from '…'` (and `export … from`) of a file: [specifier, type-only]. */
function imports(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(import|export)(\s+type)?[^;]*?from\s+'([^']+)'/gms)].map((m) => ({
    spec: m[3] as string,
    typeOnly: Boolean(m[2]),
  }));
}

const GATHERERS = ['discovery', 'dns', 'probes', 'model'];

describe('layers', () => {
  for (const layer of GATHERERS) {
    it(`src/${layer} imports no check, report or renderer, and only types from the catalogue`, () => {
      const bad: string[] = [];
      for (const f of files(path.join(SRC, layer))) {
        for (const { spec, typeOnly } of imports(f)) {
          if (!spec.startsWith('.')) continue;
          const target = path.relative(SRC, path.resolve(path.dirname(f), spec));
          const top = target.split(path.sep)[0];
          if (top === 'checks' || top === 'report' || top === 'render' || (top === 'catalogue' && !typeOnly))
            bad.push(`${path.relative(SRC, f)} → ${target}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
