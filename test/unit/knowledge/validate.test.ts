/**
 * The knowledge base keeps its evidence: every entry has a last-checked date and a source for each
 * rule it states (the check fails for an entry without one); what is quoted from Thunderbird's
 * ISPDB is really in the ISPDB snapshot, and each brand's server is the one its ISPDB file declares;
 * every known refusal text is reported as the entry says; the providers people use are covered;
 * docs/providers.md is exactly what the entries generate, and flags entries checked too long ago.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainRefusal } from '../../../src/checks/auth/refusal.js';
import { LEFT_OUT } from '../../../src/knowledge/left-out.js';
import { KNOWLEDGE_DATE, PROVIDERS, identifyProvider, providerById } from '../../../src/knowledge/providers.js';
import { ispdbFile, STALE_AFTER_MONTHS } from '../../../src/knowledge/sources.js';
import type { ProviderEntry } from '../../../src/knowledge/types.js';
import { entryProblems, knowledgeProblems } from '../../../src/knowledge/validate.js';
import type { LoginAttempt } from '../../../src/model/evidence.js';
import { isStale, monthsBetween, providersDoc, providersMarkdown } from '../../../src/render/providers-doc.js';
import { ROOT } from '../../helpers/paths.js';

const ISPDB_DIR = path.resolve(ROOT, '../shared/fixtures/ispdb');
const ispdbPresent = existsSync(ISPDB_DIR);
const required = process.env['IMAP_DOCTOR_REQUIRE_SERVERS'] === '1';
if (!ispdbPresent && !required) process.stderr.write(`SKIPPED ISPDB quote checks: ${ISPDB_DIR} not found\n`);

const google = providerById('google') as ProviderEntry;

describe('every entry carries its evidence', () => {
  it('all entries pass the evidence check', () => {
    expect(knowledgeProblems(PROVIDERS, KNOWLEDGE_DATE)).toEqual([]);
  });

  it('the check fails an entry whose login rule has no source', () => {
    const broken: ProviderEntry = { ...google, sources: { ...google.sources, login: [] } };
    expect(entryProblems(broken, KNOWLEDGE_DATE)).toContain('google login policy [login]: no source');
  });

  it('the check fails a stated fact without a source, a brand without a hosts source, an empty quote, a bad date', () => {
    const noSwitchSource: ProviderEntry = { ...google, sources: { ...google.sources, 'imap-switch': [] } };
    expect(entryProblems(noSwitchSource, KNOWLEDGE_DATE)).toContain('google imapAlwaysOn [imap-switch]: no source');
    const brand = google.brands[0];
    if (!brand) throw new Error('no brand');
    const noHosts: ProviderEntry = { ...google, brands: [{ ...brand, sources: {} }] };
    expect(entryProblems(noHosts, KNOWLEDGE_DATE)).toContain('google/gmail hosts: no source');
    const emptyQuote: ProviderEntry = {
      ...google,
      sources: { ...google.sources, admin: [{ url: 'https://example.org/page', quote: '' }] },
    };
    expect(entryProblems(emptyQuote, KNOWLEDGE_DATE)).toContain(
      'google adminImap [admin]: source https://example.org/page quotes nothing',
    );
    expect(entryProblems({ ...google, checked: '2027-01-01' }, KNOWLEDGE_DATE)).toContain(
      `google: checked 2027-01-01, after the knowledge date ${KNOWLEDGE_DATE}`,
    );
    expect(entryProblems({ ...google, checked: 'last week' }, KNOWLEDGE_DATE)).toContain(
      'google: last-checked date "last week" is not YYYY-MM-DD',
    );
    const unsourcedRefusal: ProviderEntry = {
      ...google,
      refusals: [{ reply: 'NO nope', finding: 'AUTH_FAILED', source: { url: 'nowhere', quote: 'nothing said here' } }],
    };
    expect(entryProblems(unsourcedRefusal, KNOWLEDGE_DATE)).toContain(
      'google refusal "NO nope": source URL "nowhere" is not a web address',
    );
  });

  it('a cause needs the fact it names (an app-password cause without a page, a region cause with one region)', () => {
    const { appPassword: _drop, ...rest } = google;
    expect(entryProblems(rest as ProviderEntry, KNOWLEDGE_DATE)).toContain(
      'google: cause app-password needs appPassword',
    );
    expect(entryProblems({ ...google, causes: ['wrong-region'] }, KNOWLEDGE_DATE)).toContain(
      'google: cause wrong-region needs two regions with a server',
    );
  });
});

describe('coverage', () => {
  it('covers the providers people use, each brand with its own server where a source names one', () => {
    const brands = PROVIDERS.flatMap((p) => p.brands.map((b) => b.id));
    for (const id of [
      'gmail',
      'outlook',
      'm365',
      'yahoo',
      'aol',
      'icloud',
      'fastmail',
      'gmx-net',
      'webde',
      'zoho-com',
      'zoho-eu',
      'zoho-ca',
      'zoho-sa',
      'yandex',
      'mailru',
      't-online',
      'proton',
      'qq',
      'netease-163',
      'orange',
      'libero',
      'seznam',
      'naver',
    ]) {
      expect(brands, id).toContain(id);
    }
    // Rakuten has no entry, and the gap is listed with its reason.
    expect(PROVIDERS.some((p) => /rakuten/i.test(p.name))).toBe(false);
    expect(LEFT_OUT.some((l) => /Rakuten/.test(l.provider))).toBe(true);
  });
});

describe.skipIf(!ispdbPresent && !required)("what is quoted from Thunderbird's ISPDB is in the snapshot", () => {
  const flat = (s: string) => s.replace(/\s+/g, ' ');
  /** The file as a reader sees its content: comments dropped (quotes may still quote one, as the source has it). */
  const content = (xml: string) => flat(xml.replace(/<!--[\s\S]*?-->/g, ''));
  const all = PROVIDERS.flatMap((p) => [
    ...Object.values(p.sources).flat(),
    ...p.brands.flatMap((b) => Object.values(b.sources).flat()),
  ]).filter((s) => s && ispdbFile(s));

  it.each(all.map((s) => [ispdbFile(s) as string, s.quote] as const))('%s: %s', (file, quote) => {
    if (!ispdbPresent)
      expect.fail(`ISPDB fixtures required by IMAP_DOCTOR_REQUIRE_SERVERS=1 but ${ISPDB_DIR} not found`);
    const raw = readFileSync(path.join(ISPDB_DIR, file), 'utf8');
    for (const part of quote.split(' … '))
      expect(`${flat(raw)}\n${content(raw)}`, `${file} has "${part}"`).toContain(flat(part));
  });

  it.each(
    PROVIDERS.flatMap((p) =>
      p.brands.filter((b) => b.imap && b.sources.hosts?.some((s) => ispdbFile(s))).map((b) => [b.id, b] as const),
    ),
  )('%s: its server is an IMAP server its ISPDB file declares', (_id, b) => {
    const file = b.sources.hosts?.map((s) => ispdbFile(s)).find((f) => f) as string;
    const xml = readFileSync(path.join(ISPDB_DIR, file), 'utf8');
    const imapServers = [...xml.matchAll(/<incomingServer type="imap">([\s\S]*?)<\/incomingServer>/g)].map((m) => ({
      host: /<hostname>([^<]*)<\/hostname>/.exec(m[1] ?? '')?.[1],
      port: Number(/<port>(\d+)<\/port>/.exec(m[1] ?? '')?.[1]),
    }));
    expect(imapServers).toContainEqual({ host: b.imap?.host, port: b.imap?.port });
    // And the domains the brand claims are the file's.
    for (const d of b.domains) expect(xml, `${file} lists ${d}`).toContain(`<domain>${d}</domain>`);
  });
});

/** `NO [CODE] text` → the login attempt the probe would record. */
function attempt(reply: string): LoginAttempt {
  const m = /^(NO|BAD) (?:\[([A-Z-]+)[^\]]*\] ?)?(.*)$/.exec(reply);
  if (!m) throw new Error(`bad reply ${reply}`);
  const code = m[2];
  const text = m[3] ?? '';
  return {
    address: '192.0.2.10',
    ms: 100,
    ok: false,
    alerts: code === 'ALERT' ? [text] : [],
    response: { status: m[1] as 'NO', ...(code ? { code } : {}), text, line: `a1 ${reply}` },
    credentialsRejected: true,
  };
}

describe('every known refusal text is reported as its entry says', () => {
  const rows = PROVIDERS.flatMap((p) => p.refusals.map((r) => [p.id, r.reply, r.finding] as const));
  it.each(rows)('%s: "%s" → %s', (id, reply, code) => {
    const p = providerById(id) as ProviderEntry;
    const host = p.brands.find((b) => b.imap)?.imap?.host ?? 'imap.example.com';
    const provider = identifyProvider({ host });
    expect(provider?.provider.id).toBe(id);
    const out = explainRefusal({ attempt: attempt(reply), oauth: false, ...(provider ? { provider } : {}) }, {});
    expect(out?.code).toBe(code);
    expect(out?.knowledge?.provider).toBe(p.name);
  });
});

describe('docs/providers.md', () => {
  it('is what the entries generate (run `npm run docs` after changing them)', () => {
    expect(readFileSync(path.join(ROOT, 'docs/providers.md'), 'utf8')).toBe(providersDoc());
  });

  it('lists every provider with its last-checked date and every source URL it cites', () => {
    const doc = providersDoc();
    for (const p of PROVIDERS) {
      expect(doc).toContain(`## ${p.name}`);
      expect(doc).toContain(`Last checked ${p.checked}.`);
      for (const s of [...Object.values(p.sources).flat(), ...p.brands.flatMap((b) => Object.values(b.sources).flat())])
        if (s) expect(doc).toContain(s.url);
    }
    expect(doc).toContain(`Knowledge date: **${KNOWLEDGE_DATE}**`);
  });

  it('flags an entry last checked more than 12 months before the knowledge date, and only that one', () => {
    expect(monthsBetween('2025-12-06', '2026-12-06')).toBe(12);
    expect(monthsBetween('2025-12-07', '2026-12-06')).toBe(11);
    expect(monthsBetween('2025-11-30', '2026-12-06')).toBe(12);
    expect(monthsBetween('2025-11-05', '2026-12-06')).toBe(13);
    const old: ProviderEntry = { ...google, id: 'old', name: 'Old Mail', checked: '2025-11-05' };
    const fresh: ProviderEntry = { ...google, id: 'fresh', name: 'Fresh Mail', checked: '2025-12-06' };
    expect(isStale(old, '2026-12-06', STALE_AFTER_MONTHS)).toBe(true);
    expect(isStale(fresh, '2026-12-06', STALE_AFTER_MONTHS)).toBe(false);
    const doc = providersMarkdown({
      providers: [old, fresh],
      knowledgeDate: '2026-12-06',
      staleAfterMonths: STALE_AFTER_MONTHS,
      leftOut: [],
    });
    expect(doc).toContain('| [Old Mail](#old) |');
    expect(doc.split('\n').find((l) => l.startsWith('| [Old Mail]'))).toContain('⚠ stale');
    expect(doc.split('\n').find((l) => l.startsWith('| [Fresh Mail]'))).not.toContain('stale');
    expect(doc).toContain('Last checked 2025-11-05. ⚠ **stale**');
    // Today nothing is stale.
    expect(PROVIDERS.filter((p) => isStale(p, KNOWLEDGE_DATE, STALE_AFTER_MONTHS))).toEqual([]);
  });
});
