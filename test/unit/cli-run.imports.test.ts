/**
 * What a diagnosis loads (issue #9, CPU per run): the modules cli.ts imports for a run reach the XML
 * parser only through the settings-file parsers, which discovery imports when a settings file arrives.
 * fast-xml-parser and its dependencies are ~150 KB of code that V8 would otherwise compile in every run,
 * --host runs and runs whose sources answer 404 included.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

/** Packages reached from `entry` through static, non-type imports (dynamic import() is a boundary). */
function staticPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)(\s+type)?\s[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[2] as string;
      if (m[1]) continue;
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(path.join(ROOT, entry));
  return packages;
}

describe('what a run loads', () => {
  it('the run pipeline, the judging and the renderers import no XML parser', () => {
    for (const entry of ['src/cli-run.ts', 'src/report/judge.ts', 'src/render/format.ts', 'src/cli.ts'])
      expect([...staticPackages(entry)], entry).not.toContain('fast-xml-parser');
  });

  it('the settings-file parsers, loaded when a settings file arrives, do', () => {
    expect([...staticPackages('src/discovery/parse-autoconfig.ts')]).toContain('fast-xml-parser');
    expect([...staticPackages('src/discovery/parse-autodiscover.ts')]).toContain('fast-xml-parser');
  });
});
