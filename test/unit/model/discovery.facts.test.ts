/**
 * Discovery facts are data, not prose: every source's `facts.reason` is a code of SourceReason
 * (words only in the catalogue's SOURCE_REASON), no source carries English `notes`, and the
 * schema, the catalogue and the README name the same codes. Walks every evidence file of the
 * corpus (real lab runs) as the loader gives it to the checks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_REASON } from '../../../src/catalogue/labels.js';
import { loadEvidence } from '../../../src/show/load.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CORPUS = path.join(ROOT, 'test/corpus');
const FIXTURES = path.join(ROOT, 'test/fixtures/evidence');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'docs/report.schema.json'), 'utf8')) as {
  $defs: {
    discovery: {
      properties: {
        sources: { items: { properties: { facts: { properties: Record<string, { enum?: string[] }> } } } };
      };
    };
  };
};
const FACTS = schema.$defs.discovery.properties.sources.items.properties.facts.properties;
const CODES = Object.keys(SOURCE_REASON).sort();

const files = [
  ...readdirSync(CORPUS)
    .filter((f) => f.endsWith('.evidence.json'))
    .map((f) => path.join(CORPUS, f)),
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.evidence.json'))
    .map((f) => path.join(FIXTURES, f)),
];

describe('source facts carry codes, never free text', () => {
  it('the schema, the catalogue and the README name the same reason codes', () => {
    expect([...(FACTS.reason?.enum ?? [])].sort()).toEqual(CODES);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const code of CODES) expect(readme, code).toContain(`\`${code}\``);
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))(
    '%s: every reason is a code, no notes, every field declared',
    async (_name, file) => {
      const ev = await loadEvidence({ name: file, text: readFileSync(file, 'utf8') });
      for (const s of ev.discovery?.sources ?? []) {
        const facts = { ...s.facts } as Record<string, unknown>;
        expect(facts, s.source).not.toHaveProperty('notes');
        if (facts.reason !== undefined) expect(CODES, `${s.source}: ${String(facts.reason)}`).toContain(facts.reason);
        for (const key of Object.keys(facts)) expect(Object.keys(FACTS), `${s.source}.facts.${key}`).toContain(key);
        for (const alias of (facts.targetCnames as unknown[] | undefined) ?? [])
          expect(typeof alias, `${s.source} targetCnames`).toBe('object');
      }
    },
  );
});
