/** The parsers of the read-only commands' answers, on lines as real servers send them (Dovecot, Gmail's XLIST, literals, NIL). */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../src/limits.js';
import {
  decodeMutf7,
  parseFolders,
  parseListLine,
  parseNamespace,
  parseQuota,
  parseSearchCount,
  tokenize,
} from '../../../../src/probes/sync/parse.js';

describe('LIST and XLIST', () => {
  it('attributes, delimiter and name; quoted, atom, literal and NIL forms', () => {
    expect(parseListLine('* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"', 'LIST')).toEqual({
      name: 'Sent Items',
      attributes: ['\\HasNoChildren', '\\Sent'],
      delimiter: '/',
    });
    expect(parseListLine('* LIST () NIL INBOX', 'LIST')).toEqual({ name: 'INBOX', attributes: [], delimiter: null });
    expect(parseListLine('* LIST (\\Drafts) "." {6}\r\nBrouil', 'LIST')).toMatchObject({ name: 'Brouil' });
    expect(parseListLine('* XLIST (\\HasNoChildren \\Spam) "/" "[Gmail]/Spam"', 'XLIST')).toMatchObject({
      name: '[Gmail]/Spam',
      attributes: ['\\HasNoChildren', '\\Spam'],
    });
    expect(parseListLine('* LIST garbage', 'LIST')).toBeNull();
    expect(parseListLine('* LSUB () "/" INBOX', 'LIST')).toBeNull();
  });
  it('modified UTF-7 names are decoded (RFC 3501 §5.1.3)', () => {
    expect(decodeMutf7('Envoy&AOk-s')).toBe('Envoyés');
    expect(decodeMutf7('Entw&APw-rfe')).toBe('Entwürfe');
    expect(decodeMutf7('Tom &- Jerry')).toBe('Tom & Jerry');
    expect(decodeMutf7('&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-')).toBe('Отправленные');
  });
  it('keeps the count and only the folders the role check needs', () => {
    const lines = [
      '* LIST (\\HasNoChildren) "." INBOX',
      '* LIST (\\HasNoChildren) "." "Sent Items"',
      '* LIST (\\Trash) "." Bin',
      '* LIST () "." Clients',
      '* LIST () "." "INBOX.Drafts"',
    ];
    const f = parseFolders(lines, 'list', 0);
    expect(f).toMatchObject({ via: 'list', count: 5, truncated: false, delimiter: '.' });
    expect(f.folders.map((x) => x.name)).toEqual(['Sent Items', 'Bin', 'INBOX.Drafts']);
    expect(parseFolders(lines, 'list', 3).truncated).toBe(true);
    const many = Array.from({ length: 300 }, (_, i) => `* LIST (\\Junk) "/" "Spam ${i}"`);
    const kept = parseFolders(many, 'list-special-use', 0);
    expect(kept.count).toBe(300);
    expect(kept.folders).toHaveLength(LIMITS.syncFolders);
  });
});

describe('NAMESPACE, QUOTA, SEARCH', () => {
  it(`keeps at most LIMITS.syncItems (${LIMITS.syncItems}) namespaces per kind, quota roots, quotas and resources of a quota`, () => {
    const many = (f: (i: number) => string) => Array.from({ length: 5000 }, (_, i) => f(i)).join(' ');
    const ns = parseNamespace([`* NAMESPACE (${many((i) => `("p${i}." ".")`)}) NIL NIL`]);
    expect(ns?.personal).toHaveLength(LIMITS.syncItems);
    const q = parseQuota([
      `* QUOTAROOT INBOX ${many((i) => `r${i}`)}`,
      ...Array.from({ length: 100 }, (_, i) => `* QUOTA r${i} (${many((k) => `S${k} 1 2`)})`),
    ]);
    expect(q.roots).toHaveLength(LIMITS.syncItems);
    expect(q.quotas).toHaveLength(LIMITS.syncItems);
    expect(q.quotas[0]?.resources).toHaveLength(LIMITS.syncItems);
    expect(q.quotas[0]?.resources[0]).toEqual({ name: 'S0', usage: 1, limit: 2 });
  });
  it('NAMESPACE: personal, other and shared, each prefix with its delimiter', () => {
    expect(parseNamespace(['* NAMESPACE (("" "/")) NIL NIL'])).toEqual({
      personal: [{ prefix: '', delimiter: '/' }],
      other: [],
      shared: [],
    });
    expect(parseNamespace(['* NAMESPACE (("INBOX." ".")) (("user." ".")) (("shared." "."))'])).toEqual({
      personal: [{ prefix: 'INBOX.', delimiter: '.' }],
      other: [{ prefix: 'user.', delimiter: '.' }],
      shared: [{ prefix: 'shared.', delimiter: '.' }],
    });
    expect(parseNamespace(['* OK nothing'])).toBeNull();
  });
  it('QUOTAROOT and QUOTA: roots, and every resource as usage of limit', () => {
    const q = parseQuota([
      '* QUOTAROOT INBOX "User quota" ""',
      '* QUOTA "User quota" (STORAGE 95 100 MESSAGE 12 1000)',
      '* QUOTA "" (STORAGE 1 x)',
    ]);
    expect(q.roots).toEqual(['User quota', '']);
    expect(q.quotas[0]).toEqual({
      root: 'User quota',
      resources: [
        { name: 'STORAGE', usage: 95, limit: 100 },
        { name: 'MESSAGE', usage: 12, limit: 1000 },
      ],
    });
    expect(q.quotas[1]?.resources).toEqual([]);
  });
  it('ESEARCH COUNT, SEARCH numbers (over several lines), and no result line at all', () => {
    expect(parseSearchCount(['* ESEARCH (TAG "B") UID COUNT 5'], 'esearch')).toBe(5);
    expect(parseSearchCount(['* ESEARCH (TAG "B") UID'], 'esearch')).toBe(0);
    expect(parseSearchCount(['* SEARCH 1 2 3', '* SEARCH 9'], 'search')).toBe(4);
    expect(parseSearchCount(['* SEARCH'], 'search')).toBe(0);
    expect(parseSearchCount([], 'search')).toBeNull();
  });
  it('the tokenizer nests lists and keeps escapes', () => {
    expect(tokenize('(A (B "c\\"d")) NIL {2}\r\nxy')).toEqual([
      [{ atom: 'A' }, [{ atom: 'B' }, { str: 'c"d' }]],
      null,
      { str: 'xy' },
    ]);
  });
});
