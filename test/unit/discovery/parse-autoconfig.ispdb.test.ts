/**
 * Every provider file of Thunderbird's ISPDB must parse, to exactly the servers it declares. The
 * expectation is extracted here with plain regular expressions (no XML parser, no code under test).
 * The snapshot lives outside the repo (../shared/fixtures/ispdb); without it the suite skips loudly,
 * or fails when IMAP_DOCTOR_REQUIRE_SERVERS=1.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAutoconfig } from '../../../src/discovery/parse-autoconfig.js';
import type { ParsedConfig, ServerSetting } from '../../../src/model/discovery.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ISPDB_DIR = resolve(REPO_ROOT, '../shared/fixtures/ispdb');
const present = existsSync(ISPDB_DIR);
const required = process.env['IMAP_DOCTOR_REQUIRE_SERVERS'] === '1';
if (!present && !required) process.stderr.write(`SKIPPED ISPDB fixture tests: ${ISPDB_DIR} not found\n`);

const files = present
  ? readdirSync(ISPDB_DIR)
      .filter((f) => f.endsWith('.xml'))
      .sort()
  : [];

interface Declared {
  kind: 'incoming' | 'outgoing';
  type: string;
  host: string;
  port: number;
  socketType: string | undefined;
  security: string;
  username: string | undefined;
  authentication: string[];
  hostHadPlaceholder: boolean;
}

/** What a file declares, read with regular expressions only. */
function declared(xml: string): { providerId: string; servers: Declared[] } {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const provider = /<emailProvider\s+id="([^"]*)"[^>]*>([\s\S]*?)<\/emailProvider>/.exec(text);
  if (!provider) throw new Error('no emailProvider');
  const providerId = provider[1] ?? '';
  const who = { address: `alice@${providerId}`, localPart: 'alice', domain: providerId };
  const fill = (v: string) =>
    v
      .split('%EMAILADDRESS%')
      .join(who.address)
      .split('%EMAILLOCALPART%')
      .join(who.localPart)
      .split('%EMAILDOMAIN%')
      .join(who.domain);
  const field = (body: string, name: string) =>
    new RegExp(`<${name}(?:\\s[^>]*)?>\\s*([^<]*?)\\s*</${name}>`).exec(body)?.[1];
  const all = (body: string, name: string) =>
    [...body.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>\\s*([^<]*?)\\s*</${name}>`, 'g'))].map((m) => m[1] ?? '');
  const servers: Declared[] = [];
  for (const m of (provider[2] ?? '').matchAll(
    /<(incomingServer|outgoingServer)\s+type="([^"]*)"\s*>([\s\S]*?)<\/\1>/g,
  )) {
    const body = m[3] ?? '';
    const hostname = field(body, 'hostname');
    const socketType = all(body, 'socketType')[0];
    const security = { SSL: 'tls', STARTTLS: 'starttls', plain: 'plain' }[socketType ?? ''];
    const username = field(body, 'username');
    let host: string;
    let port: number;
    let urlSecurity: string | undefined;
    if (hostname !== undefined) {
      host = fill(hostname).toLowerCase();
      port = Number(field(body, 'port'));
    } else {
      const url = new URL(fill(field(body, 'url') ?? ''));
      host = url.hostname;
      port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
      urlSecurity = url.protocol === 'https:' ? 'tls' : 'plain';
    }
    servers.push({
      kind: m[1] === 'incomingServer' ? 'incoming' : 'outgoing',
      type: m[2] ?? '',
      host,
      port,
      socketType,
      security: security ?? urlSecurity ?? 'unknown',
      username: username === undefined ? undefined : fill(username),
      authentication: all(body, 'authentication'),
      hostHadPlaceholder: hostname?.includes('%') ?? false,
    });
  }
  return { providerId, servers };
}

const comparable = (s: ServerSetting) => ({
  type: s.type,
  host: s.host,
  port: s.port,
  security: s.security,
  username: s.username,
  authentication: s.authentication ?? [],
});
const comparableDeclared = (d: Declared) => ({
  type: d.type,
  host: d.host,
  port: d.port,
  security: d.security,
  username: d.username,
  authentication: d.authentication,
});

/** Known defects of the snapshot: Microsoft 365's ews/owa entries write `%EMAILADDRESS` without its closing %. */
const KNOWN_PROBLEMS: Record<string, ParsedConfig['problems']> = {
  'office365.com.xml': [
    { code: 'unfilled-placeholder', where: 'incomingServer[2].username', value: '%EMAILADDRESS' },
    { code: 'unfilled-placeholder', where: 'incomingServer[3].username', value: '%EMAILADDRESS' },
  ],
};

describe.skipIf(!present && !required)('ISPDB snapshot (../shared/fixtures/ispdb)', () => {
  if (!present) {
    it('is present (IMAP_DOCTOR_REQUIRE_SERVERS=1)', () => {
      expect.fail(`ISPDB fixtures required by IMAP_DOCTOR_REQUIRE_SERVERS=1 but ${ISPDB_DIR} not found`);
    });
    return;
  }

  const loaded = files.map((f) => {
    const xml = readFileSync(join(ISPDB_DIR, f), 'utf8');
    const expected = declared(xml);
    const who = { address: `alice@${expected.providerId}`, localPart: 'alice', domain: expected.providerId };
    return { f, expected, result: parseAutoconfig(xml, who) };
  });

  it.each(loaded)('$f parses to the servers it declares', ({ f, expected, result }) => {
    if (!result.ok) expect.fail(`${f}: ${result.reason} ${result.detail ?? ''}`);
    const { config } = result;
    expect(config.providerId).toBe(expected.providerId);
    expect(config.incoming.map(comparable)).toEqual(
      expected.servers.filter((s) => s.kind === 'incoming').map(comparableDeclared),
    );
    expect(config.outgoing.map(comparable)).toEqual(
      expected.servers.filter((s) => s.kind === 'outgoing').map(comparableDeclared),
    );
    expect(config.problems).toEqual(KNOWN_PROBLEMS[f] ?? []);
  });

  it('has the totals observed in snapshot c6ad796', () => {
    const declaredAll = loaded.map((l) => l.expected.servers);
    const parsedAll = loaded.map((l) =>
      l.result.ok ? [...l.result.config.incoming, ...l.result.config.outgoing] : [],
    );
    const count = <T>(lists: T[][], has: (list: T[]) => boolean) => lists.filter(has).length;

    expect(files).toHaveLength(163);
    for (const [lists, imap, pop3] of [
      [declaredAll, (s: { type: string }) => s.type === 'imap', (s: { type: string }) => s.type === 'pop3'],
      [
        parsedAll,
        (s: { protocol?: string }) => s.protocol === 'imap',
        (s: { protocol?: string }) => s.protocol === 'pop3',
      ],
    ] as const) {
      const l = lists as { type: string; protocol?: string }[][];
      expect(count(l, (x) => x.some(imap))).toBe(120);
      expect(count(l, (x) => !x.some(imap))).toBe(43);
      expect(count(l, (x) => !x.some(imap) && x.some(pop3))).toBe(43);
      expect(count(l, (x) => x.some(imap) && x.some(pop3))).toBe(103);
      expect(count(l, (x) => x.filter(imap).length > 1)).toBe(22);
    }

    const flat = declaredAll.flat();
    const tally = (pick: (d: Declared) => string) =>
      flat.reduce<Record<string, number>>((acc, d) => ({ ...acc, [pick(d)]: (acc[pick(d)] ?? 0) + 1 }), {});
    expect(tally((d) => `${d.type}:${d.socketType ?? '-'}`)).toEqual({
      'imap:SSL': 117,
      'imap:STARTTLS': 23,
      'imap:plain': 2,
      'pop3:SSL': 109,
      'pop3:STARTTLS': 22,
      'pop3:plain': 34,
      'smtp:SSL': 101,
      'smtp:STARTTLS': 67,
      'smtp:plain': 34,
      'exchange:SSL': 1,
      'ews:-': 1,
      'owa:-': 1,
      'graph:-': 1,
    });
    expect(parsedAll.flat().filter((s) => s.security === 'unknown')).toEqual([]);
    expect(tally((d) => d.username ?? '-')['-']).toBe(2);
    expect(flat.filter((d) => d.hostHadPlaceholder)).toHaveLength(9);
    expect(flat.filter((d) => d.authentication.includes('OAuth2'))).toHaveLength(43);
    expect(
      count(
        declaredAll,
        (x) =>
          x.some((s) => s.type === 'imap') && x.filter((s) => s.type === 'imap').every((s) => s.security === 'plain'),
      ),
    ).toBe(2);
  });
});
