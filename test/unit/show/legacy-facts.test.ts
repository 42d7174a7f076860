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
import { INVALID_WHY } from '../../../src/catalogue/discovery.js';
import { entry } from '../../../src/catalogue/index.js';
import type { InvalidWhy, InvalidWhyCode, SourceReason, SourceResult } from '../../../src/model/discovery.js';
import { EVIDENCE_VERSION } from '../../../src/model/run-evidence.js';
import { judgeEvidence } from '../../../src/report/judge.js';
import { renderSourcesTable } from '../../../src/render/sources.js';
import { reasonOfNote, upgradeFacts, whyOfDetail } from '../../../src/show/legacy-facts.js';
import { loadEvidence, loadReport } from '../../../src/show/load.js';

const V2 = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/evidence/v2-notes.evidence.json'), 'utf8');
type RawSource = {
  source: string;
  status?: string;
  servers?: unknown[];
  invalid?: unknown;
  facts?: Record<string, unknown>;
};
type Raw = {
  evidenceVersion: number;
  discovery: { sources: RawSource[] };
  endpoints: Array<{ addresses: Array<{ tls?: { state: string; value?: Record<string, unknown> } }> }>;
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

/** One InvalidWhy of each code, with values in every field. */
const WHY: Record<InvalidWhyCode, InvalidWhy> = {
  'no-root-element': { code: 'no-root-element' },
  'root-element': { code: 'root-element', element: 'config' },
  'no-autodiscover-response': { code: 'no-autodiscover-response', element: 'clientConfig' },
  'no-element': { code: 'no-element', element: 'emailProvider' },
  'redirect-addr-missing': { code: 'redirect-addr-missing' },
  'redirect-url-unusable': { code: 'redirect-url-unusable', redirectUrl: 'not a url' },
  'over-limit': { code: 'over-limit', bytes: 300_000, limit: 262_144 },
  'nested-too-deep': { code: 'nested-too-deep', limit: 64 },
  'too-many-elements': { code: 'too-many-elements', limit: 10_000 },
  'html-doctype': { code: 'html-doctype' },
  declaration: { code: 'declaration', kind: 'ENTITY' },
  'html-root': { code: 'html-root', element: 'body' },
  'html-malformed': { code: 'html-malformed' },
  'xml-error': { code: 'xml-error', message: "char 'N' is not expected.", line: 1, column: 1 },
};
const wordsOf = (w: InvalidWhy): string => {
  const { code, ...values } = w;
  return INVALID_WHY[code]({ why: code, ...values });
};

describe('evidence before the typed values (resolverCheck, SRV priority, parser details, TLS no-certificate)', () => {
  const raw2 = (edit: (v: Raw) => void): string => {
    const v = raw();
    edit(v);
    return JSON.stringify(v);
  };
  const at = (v: Raw, id: string): RawSource => {
    const s = v.discovery.sources.find((x) => x.source === id);
    if (!s) throw new Error(`no source ${id} in the fixture`);
    return s;
  };

  it('reads ". NS → nxdomain (87 ms)" as { status, ms }', async () => {
    expect(at(raw(), 'mx').facts?.resolverCheck).toBe('. NS → nxdomain (87 ms)');
    const ev = await loadEvidence({ name: 'v2.json', text: V2 });
    expect(sourceOf(ev, 'mx')?.facts).toMatchObject({ resolverCheck: { status: 'nxdomain', ms: 87 } });
  });

  it("gives an SRV source's servers the priority its records strings held", async () => {
    const text = raw2((v) => {
      const s = at(v, 'srv-imap');
      s.status = 'found';
      s.servers = [
        { protocol: 'imap', type: 'imap', host: 'b.example.test', port: 143, security: 'starttls' },
        { protocol: 'imap', type: 'imap', host: 'a.example.test', port: 143, security: 'starttls' },
      ];
      s.facts = { ...s.facts, records: ['20 1 143 b.example.test', '5 0 143 a.example.test'] };
    });
    const ev = await loadEvidence({ name: 'v2-srv.json', text });
    expect(sourceOf(ev, 'srv-imap')?.servers.map((x) => [x.host, x.priority])).toEqual([
      ['b.example.test', 20],
      ['a.example.test', 5],
    ]);
  });

  it('every parser detail code is read back from the words older versions wrote', () => {
    for (const [code, why] of Object.entries(WHY)) {
      expect(whyOfDetail(code === 'xml-error' ? 'not-xml' : 'html', wordsOf(why)), code).toEqual(why);
    }
    // Text that came from elsewhere stays text: a parser exception without a position, SRV targets.
    expect(whyOfDetail('not-xml', 'Invalid tag name')).toBeUndefined();
    expect(whyOfDetail('bad-hostname', 'bad host, x:1')).toBeUndefined();
  });

  it('turns an old invalid.detail into invalid.why, and AUTOCONFIG_INVALID reads as before', async () => {
    const text = raw2((v) => {
      const s = at(v, 'autoconfig-http');
      s.status = 'invalid';
      s.invalid = { reason: 'no-client-config', detail: 'root element <config>' };
    });
    const ev = await loadEvidence({ name: 'v2-invalid.json', text });
    expect(sourceOf(ev, 'autoconfig-http')?.invalid).toEqual({
      reason: 'no-client-config',
      why: { code: 'root-element', element: 'config' },
    });
    const f = judgeEvidence(ev).findings.find((x) => x.code === 'AUTOCONFIG_INVALID');
    expect(f?.params).toMatchObject({ why: 'root-element', element: 'config' });
    expect(f?.params).not.toHaveProperty('detail');
    expect(entry('AUTOCONFIG_INVALID').explain(f?.params ?? {})).toContain(
      'The XML is not an autoconfig document (no <clientConfig><emailProvider>) — root element <config>.',
    );
  });

  it('drops the words an Autodiscover error without code or message was written with', async () => {
    const text = raw2((v) => {
      at(v, 'autodiscover').facts = { notes: ['Autodiscover error: error response without code or message'] };
    });
    const ev = await loadEvidence({ name: 'v2-ad.json', text });
    const s = sourceOf(ev, 'autodiscover');
    expect(s?.facts).toEqual({ reason: 'autodiscover-error' });
    expect(s && sourceReasonText(s)).toBe('Autodiscover error: error response without code or message');
  });

  it('reads hostnameError "the server sent no certificate" as hostnameFailure no-certificate', async () => {
    const text = raw2((v) => {
      const tls = v.endpoints[0]?.addresses[0]?.tls;
      if (!tls?.value) throw new Error('the fixture has no TLS session');
      tls.value = { ...tls.value, hostnameOk: false, hostnameError: 'the server sent no certificate' };
    });
    const ev = await loadEvidence({ name: 'v2-tls.json', text });
    const tls = ev.endpoints[0]?.addresses[0]?.tls;
    expect(tls?.state === 'ok' && tls.value).toMatchObject({ hostnameOk: false, hostnameFailure: 'no-certificate' });
    expect(tls?.state === 'ok' && tls.value).not.toHaveProperty('hostnameError');
    const f = judgeEvidence(ev).findings.find((x) => x.code === 'TLS_HOSTNAME_MISMATCH');
    expect(f?.params).toMatchObject({ failure: 'no-certificate', detail: '' });
  });
});
