/**
 * Saved evidence and reports from before evidence version 3 wrote English `facts.notes` and SRV
 * aliases as "target → alias" strings. They must still load, validate and re-judge, their notes
 * read as reason codes with typed details. The fixture is version-2 evidence saved from a real lab
 * run (the corpus file discovery-autoconfig as it was), kept as it was written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_REASON, sourceReasonText, type SourceReasonParams } from '../../../src/catalogue/labels.js';
import type { SourceReason, SourceResult } from '../../../src/model/discovery.js';
import { EVIDENCE_VERSION } from '../../../src/model/run-evidence.js';
import { judgeEvidence } from '../../../src/report/judge.js';
import { renderSourcesTable } from '../../../src/render/sources.js';
import { reasonOfNote, upgradeFacts } from '../../../src/show/legacy-facts.js';
import { loadEvidence, loadReport } from '../../../src/show/load.js';

const V2 = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/evidence/v2-notes.evidence.json'), 'utf8');
type Raw = {
  evidenceVersion: number;
  discovery: { sources: Array<{ source: string; facts?: Record<string, unknown> }> };
};
const raw = (): Raw => JSON.parse(V2) as Raw;
const sourceOf = (ev: { discovery: { sources: Array<{ source: string }> } | null }, id: string) =>
  ev.discovery?.sources.find((s) => s.source === id) as SourceResult | undefined;

/** Params that make every code's words carry something, as the old notes did. */
const SAMPLE: SourceReasonParams = {
  targets: ['bad host', 'x:1'],
  target: 'bridge.example.net:1143',
  provider: 'Hoster Mail',
  detail: '500 Internal',
};

describe('evidence before version 3 (English notes)', () => {
  it('the fixture is what version 2 wrote: English notes, evidenceVersion 2', () => {
    const v2 = raw();
    expect(v2.evidenceVersion).toBe(2);
    expect(v2.discovery.sources.find((s) => s.source === 'ispdb')?.facts?.notes).toEqual(['--no-ispdb']);
  });

  it('loads as the current version, every note turned into its reason code', async () => {
    const ev = await loadEvidence({ name: 'v2.json', text: V2 });
    expect(ev.evidenceVersion).toBe(EVIDENCE_VERSION);
    expect(sourceOf(ev, 'ispdb')?.facts).toEqual({ reason: 'no-ispdb' });
    expect(sourceOf(ev, 'mx-ispdb')?.facts).toEqual({ reason: 'no-mx-host' });
    expect(sourceOf(ev, 'autodiscover-srv')?.facts).toMatchObject({ reason: 'no-srv-record', dnsStatus: 'nxdomain' });
    expect(sourceOf(ev, 'guess')?.facts).toEqual({ reason: 'settings-published' });
    for (const s of ev.discovery?.sources ?? []) expect(s.facts ?? {}, s.source).not.toHaveProperty('notes');
  });

  it('re-judges to the same findings as before the change (the corpus snapshot holds them)', async () => {
    const report = judgeEvidence(await loadEvidence({ name: 'v2.json', text: V2 }));
    expect(report.verdict.status).toBe('ok');
    expect(report.findings.map((f) => f.code)).not.toContain('INTERNAL_ERROR');
    // The sources table prints the catalogue's words for the migrated codes: the same text as the old notes.
    const table = renderSourcesTable(report, { color: false }).join('\n');
    expect(table).toMatch(/ISPDB .* off .* --no-ispdb/);
    expect(table).toMatch(/Autodiscover SRV .* no SRV record/);
  });

  it('reads the notes with details and the alias strings into typed fields', async () => {
    const v2 = raw();
    const set = (id: string, facts: Record<string, unknown>) => {
      const s = v2.discovery.sources.find((x) => x.source === id);
      if (s) s.facts = { ...s.facts, ...facts };
    };
    set('srv-imaps', {
      notes: ['not a host name, not used: "bad host", "x:1"'],
      targetCnames: ['imap.example.test → real.example.net → edge.example.net'],
    });
    set('autodiscover', { notes: ['redirects to the address other@example.net; not followed'] });
    set('autodiscover-domain', { notes: ['Autodiscover error: 600 Invalid Request'] });
    set('mx', { notes: ['Proton Mail is reached through a local bridge (127.0.0.1:1143), not probed'] });
    const ev = await loadEvidence({ name: 'v2-more.json', text: JSON.stringify(v2) });
    expect(sourceOf(ev, 'srv-imaps')?.facts).toMatchObject({
      reason: 'srv-target-not-host',
      badTargets: ['bad host', 'x:1'],
      targetCnames: [{ target: 'imap.example.test', chain: ['real.example.net', 'edge.example.net'] }],
    });
    expect(sourceOf(ev, 'autodiscover')?.facts).toMatchObject({
      reason: 'redirect-addr-not-followed',
      redirectAddr: 'other@example.net',
    });
    expect(sourceOf(ev, 'autodiscover-domain')?.facts).toMatchObject({
      reason: 'autodiscover-error',
      errorDetail: '600 Invalid Request',
    });
    expect(sourceOf(ev, 'mx')?.facts).toMatchObject({
      reason: 'provider-bridge',
      bridge: { host: '127.0.0.1', port: 1143 },
    });
    expect(judgeEvidence(ev).findings.map((f) => f.code)).not.toContain('INTERNAL_ERROR');
  });

  it('a report that carries notes is shown with the codes', async () => {
    const ev = await loadEvidence({ name: 'v2.json', text: V2 });
    const report = judgeEvidence(ev);
    const old = JSON.parse(JSON.stringify(report)) as { discovery: Raw['discovery'] };
    const ispdb = old.discovery.sources.find((s) => s.source === 'ispdb');
    if (ispdb) ispdb.facts = { notes: ['--no-ispdb'] };
    const shown = await loadReport({ name: 'old-report.json', text: JSON.stringify(old) });
    expect(sourceOf(shown, 'ispdb')?.facts).toEqual({ reason: 'no-ispdb' });
  });

  it('every reason code is read back from the words its versions wrote', () => {
    for (const code of Object.keys(SOURCE_REASON) as SourceReason[]) {
      expect(reasonOfNote(SOURCE_REASON[code](SAMPLE))?.reason, code).toBe(code);
    }
    expect(reasonOfNote('something a later version may write')).toBeUndefined();
  });

  it("facts already in today's shape are left alone", () => {
    const s: SourceResult = {
      source: 'srv-imaps',
      query: 'q',
      status: 'found',
      ms: 1,
      servers: [],
      trust: 'trusted',
      trustReason: 'dns',
      facts: { reason: 'srv-target-not-host', badTargets: ['x y'] },
    };
    expect(upgradeFacts(s)).toBe(s);
    expect(sourceReasonText(s)).toBe('not a host name, not used: "x y"');
  });
});
