/**
 * The catalogue is the product: every code renders its texts, is emitted at some call site of a check,
 * the report builder or the INTERNAL_ERROR maker (no dead entries; a table that names a code is no
 * emitter), and docs/findings.md is exactly what the catalogue generates.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, renderEntry, type FindingCode } from '../../../src/catalogue/index.js';
import { findingsMarkdown } from '../../../src/render/findings-doc.js';
import { emittedCodes } from '../../helpers/emitted.js';
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
    const emitters = [
      ...sources(path.join(ROOT, 'src/checks')),
      ...sources(path.join(ROOT, 'src/report')),
      path.join(ROOT, 'src/errors/classify.ts'),
    ];
    const emitted = new Set(emitters.flatMap((f) => emittedCodes(readFileSync(f, 'utf8'), f)));
    const dead = codes.filter((c) => !emitted.has(c));
    expect(dead).toEqual([]);
  });

  it('counts emitting sites only: finding(…) and its wrappers, finding-shaped { code } objects; never a table that names codes', () => {
    const src = `
      const EXPLAINED_BY = { TABLE_KEY: ['TABLE_VALUE'] };
      const REACHABILITY = new Set(['IN_A_SET']);
      const ROOTS: FindingCode[] = ['IN_A_LIST'];
      if (f.code === 'COMPARED_TO') REACHABILITY.has('LOOKED_UP');
      finding('DIRECT', 'tls', {});
      finding(ok ? 'WHEN_TRUE' : 'WHEN_FALSE', 'tls', {});
      const code = a ? 'VIA_A' : b ? 'VIA_B' : 'VIA_C';
      finding(code, 'tls', { same: code === 'NOT_THIS' });
      const f: Emit = (c, params) => { out.push(finding(c, stage, params)); };
      f('THROUGH_A_WRAPPER', {});
      const RULES = [{ code: 'FROM_A_RULE', texts: [/x/] }];
      return { code: 'SHAPED_LIKE_A_FINDING', params: {} };
    `;
    expect(emittedCodes(src).sort()).toEqual(
      [
        'DIRECT',
        'FROM_A_RULE',
        'SHAPED_LIKE_A_FINDING',
        'THROUGH_A_WRAPPER',
        'VIA_A',
        'VIA_B',
        'VIA_C',
        'WHEN_FALSE',
        'WHEN_TRUE',
      ].sort(),
    );
  });

  it('docs/findings.md matches the catalogue (run `npm run docs` after changing it)', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/findings.md'), 'utf8');
    expect(doc).toBe(findingsMarkdown());
  });
});

describe('HOST_OUTSIDE_DOMAIN words every reason a source cannot vouch for a host', () => {
  // Every unverified trustReason the discovery sources set (src/discovery/*): none may reach the reader as its raw id.
  const reasons = [
    'http',
    'redirect-off-domain',
    'redirect-to-http',
    'mx-not-dnssec',
    'srv-outside-domain',
    'pacc-unverified',
    'obsolete',
    'not-run',
  ];
  it.each(reasons)('%s', (reason) => {
    const t = renderEntry(
      'HOST_OUTSIDE_DOMAIN',
      { host: 'imap.other.test', domain: 'example.com', sources: 'SRV _imaps', reason },
      {},
    );
    expect(t.explanation).not.toContain(`(${reason})`);
    expect(t.explanation).toMatch(/^It was named by SRV _imaps \([a-z]/);
  });
});
