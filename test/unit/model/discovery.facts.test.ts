/**
 * Discovery facts are data, not prose: every source's `facts.reason` is a code of SourceReason
 * (words only in the catalogue's SOURCE_REASON), no source carries English `notes`, and the
 * schema, the catalogue and the README name the same codes. The same holds for the other values
 * that once were sentences: the MX source's resolverCheck is { status, ms }, an SRV source's servers
 * carry their priority, a document's `invalid.why` is a code of INVALID_WHY and its `detail` never
 * holds the doctor's own words, and a TLS session says "no certificate" as hostnameFailure. Walks
 * every evidence file of the corpus (real lab runs) as the loader gives it to the checks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVALID_WHY } from '../../../src/catalogue/discovery.js';
import { SOURCE_REASON } from '../../../src/catalogue/labels.js';
import { SRV_SOURCE_IDS, type SourceResult } from '../../../src/model/discovery.js';
import type { RunEvidence } from '../../../src/model/run-evidence.js';
import { whyOfDetail } from '../../../src/show/legacy-facts.js';
import { loadEvidence } from '../../../src/show/load.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CORPUS = path.join(ROOT, 'test/corpus');
const FIXTURES = path.join(ROOT, 'test/fixtures/evidence');
type Enum = { enum?: string[] };
const schema = JSON.parse(readFileSync(path.join(ROOT, 'docs/report.schema.json'), 'utf8')) as {
  $defs: {
    discovery: {
      properties: {
        sources: {
          items: {
            properties: {
              facts: { properties: Record<string, Enum> };
              invalid: { properties: { why: { properties: { code: Enum } } } };
            };
          };
        };
      };
    };
  };
};
const SOURCE = schema.$defs.discovery.properties.sources.items.properties;
const FACTS = SOURCE.facts.properties;
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

  it('the schema and the catalogue name the same parser detail codes', () => {
    expect([...(SOURCE.invalid.properties.why.properties.code.enum ?? [])].sort()).toEqual(
      Object.keys(INVALID_WHY).sort(),
    );
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))(
    '%s: resolverCheck, SRV priorities, invalid details and TLS hostname failures are typed',
    async (_name, file) => {
      const ev = await loadEvidence({ name: file, text: readFileSync(file, 'utf8') });
      for (const s of ev.discovery?.sources ?? []) typedValues(s);
      for (const tls of tlsSessions(ev)) {
        expect(tls.hostnameError, tls.hostnameChecked).not.toBe('the server sent no certificate');
        if (tls.hostnameFailure !== undefined) expect(['no-certificate']).toContain(tls.hostnameFailure);
      }
    },
  );

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

/** One source's once-English values, as typed data. */
function typedValues(s: SourceResult): void {
  if (s.source === 'mx' && s.facts?.resolverCheck !== undefined) {
    expect(s.facts.resolverCheck, 'mx resolverCheck').toEqual({
      status: expect.any(String),
      ms: expect.any(Number),
    });
  }
  if ((SRV_SOURCE_IDS as readonly string[]).includes(s.source))
    for (const x of s.servers) expect(Number.isInteger(x.priority), `${s.source} ${x.host} priority`).toBe(true);
  if (s.invalid?.why) expect(Object.keys(INVALID_WHY), s.source).toContain(s.invalid.why.code);
  if (s.invalid?.detail !== undefined)
    expect(whyOfDetail(s.invalid.reason, s.invalid.detail), `${s.source} invalid.detail`).toBeUndefined();
  const f = s.facts as { errorDetail?: string } | undefined;
  expect(f?.errorDetail, s.source).not.toBe('error response without code or message');
}

/** Every TLS session the evidence holds (implicit TLS, after STARTTLS, the legacy retry). */
function tlsSessions(ev: RunEvidence) {
  return ev.endpoints.flatMap((e) =>
    e.addresses.flatMap((a) =>
      [a.tls, a.starttlsTls, a.legacyTls].flatMap((o) => (o?.state === 'ok' ? [o.value] : [])),
    ),
  );
}
