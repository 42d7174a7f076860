/**
 * The catalogue is the product: every code renders its texts, is emitted by some check (no dead
 * entries), and docs/findings.md is exactly what the catalogue generates.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, renderEntry, type FindingCode } from '../../../src/catalogue/index.js';
import { findingsMarkdown } from '../../../src/render/findings-doc.js';
import { ROOT } from '../../helpers/paths.js';

const codes = Object.keys(CATALOGUE) as FindingCode[];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('catalogue', () => {
  it('has UPPER_SNAKE codes', () => {
    for (const c of codes) expect(c).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
  });

  it.each(codes)('%s renders a title, an explanation and fixes from its example', (code) => {
    const e = CATALOGUE[code];
    const t = renderEntry(code, e.example, {});
    expect(t.title.length).toBeGreaterThan(10);
    expect(t.title).not.toMatch(/\.$/);
    expect(t.explanation.length).toBeGreaterThan(20);
    for (const s of [t.title, t.explanation, ...t.fix]) expect(s).not.toMatch(/undefined|\[object Object\]|NaN/);
    if (e.severity === 'error' || e.severity === 'warning') expect(t.fix.length).toBeGreaterThan(0);
  });

  it('every code is emitted somewhere: by a check, by the one INTERNAL_ERROR maker or by the report builder, not just listed in a table', () => {
    // Where findings are made. Tables that only name codes (root-cause's EXPLAINED_BY, the builder's
    // REACHABILITY) do not count: a code listed there and emitted nowhere is dead.
    const emitters = [...sources(path.join(ROOT, 'src/checks')), path.join(ROOT, 'src/report/build.ts'), path.join(ROOT, 'src/errors/classify.ts')];
    const text = emitters
      .map((f) => readFileSync(f, 'utf8'))
      .map((t) => t.replace(/const REACHABILITY[^;]*;/s, ''))
      .join('\n');
    const dead = codes.filter((c) => !text.includes(`'${c}'`));
    expect(dead).toEqual([]);
  });

  it('docs/findings.md matches the catalogue (run `npm run docs` after changing it)', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/findings.md'), 'utf8');
    expect(doc).toBe(findingsMarkdown());
  });
});

describe('HOST_OUTSIDE_DOMAIN words every reason a source cannot vouch for a host', () => {
  // Every unverified trustReason the discovery sources set (src/discovery/*): none may reach the reader as its raw id.
  const reasons = ['http', 'redirect-off-domain', 'redirect-to-http', 'mx-not-dnssec', 'srv-outside-domain', 'pacc-unverified', 'obsolete', 'not-run'];
  it.each(reasons)('%s', (reason) => {
    const t = renderEntry('HOST_OUTSIDE_DOMAIN', { host: 'imap.other.test', domain: 'example.com', sources: 'SRV _imaps', reason }, {});
    expect(t.explanation).not.toContain(`(${reason})`);
    expect(t.explanation).toMatch(/^It was named by SRV _imaps \([a-z]/);
  });
});
