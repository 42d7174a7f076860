/**
 * Pure parsing of the untagged lines the read-only commands bring back (whatever transport carried
 * them): LIST/XLIST (RFC 9051 §7.3.1, RFC 6154), NAMESPACE (RFC 2342 §5), QUOTAROOT and QUOTA
 * (RFC 9208 §5), SEARCH and ESEARCH (RFC 9051 §7.3.4, RFC 4731 §3.1). A literal may appear inline as
 * {n} CRLF and its n characters. Lines that do not parse are skipped, never trusted; what is kept of
 * each list is bounded (LIMITS.syncFolders, LIMITS.syncItems).
 */
import { roleByName, SPECIAL_USE_ATTRIBUTES } from '../../knowledge/folder-names.js';
import { LIMITS } from '../../limits.js';
import type {
  FolderEvidence,
  FolderListEvidence,
  NamespaceEntry,
  NamespaceInfo,
  QuotaEvidence,
} from '../../model/sync.js';

/** One parsed item: an atom, a string (quoted or literal), NIL, or a parenthesised list. */
export type Item = { atom: string } | { str: string } | null | Item[];

function readQuoted(s: string, i: number): [string, number] {
  let out = '';
  let j = i + 1;
  while (j < s.length && s[j] !== '"') {
    if (s[j] === '\\' && j + 1 < s.length) j++;
    out += s[j];
    j++;
  }
  return [out, j + 1];
}

/** The items of a response line after its first words, lists nested. */
export function tokenize(s: string): Item[] {
  const stack: Item[][] = [[]];
  let i = 0;
  const top = () => stack[stack.length - 1] as Item[];
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch === ' ' || ch === '\r' || ch === '\n') i++;
    else if (ch === '(') {
      const l: Item[] = [];
      top().push(l);
      stack.push(l);
      i++;
    } else if (ch === ')') {
      if (stack.length > 1) stack.pop();
      i++;
    } else if (ch === '"') {
      const [str, next] = readQuoted(s, i);
      top().push({ str });
      i = next;
    } else {
      const lit = /^\{(\d{1,9})\+?\}\r\n/.exec(s.slice(i, i + 16));
      if (lit) {
        const n = Number(lit[1]);
        const from = i + lit[0].length;
        top().push({ str: s.slice(from, from + n) });
        i = from + n;
        continue;
      }
      const m = /^[^\s()"]+/.exec(s.slice(i)) as RegExpExecArray;
      top().push(m[0].toUpperCase() === 'NIL' ? null : { atom: m[0] });
      i += m[0].length;
    }
  }
  return stack[0] as Item[];
}

const text = (x: Item | undefined): string | null => (x && !Array.isArray(x) ? ('atom' in x ? x.atom : x.str) : null);

/** Modified UTF-7 mailbox names (RFC 3501 §5.1.3): &…- is base64 (with , for /) of UTF-16BE; &- is &. */
export function decodeMutf7(name: string): string {
  return name.replace(/&([A-Za-z0-9+,]*)-/g, (_all, b64: string) => {
    if (b64 === '') return '&';
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    let out = '';
    for (let k = 0; k + 1 < bytes.length; k += 2)
      out += String.fromCharCode(((bytes[k] as number) << 8) | (bytes[k + 1] as number));
    return out;
  });
}

/** The items of an untagged line of one response type (`* LIST …` → the items after LIST), or null. */
export function untaggedItems(line: string, type: string): Item[] | null {
  const m = /^\*\s+(\S+)\s?/.exec(line);
  if (!m || (m[1] ?? '').toUpperCase() !== type) return null;
  return tokenize(line.slice(m[0].length));
}

interface ListedFolder extends FolderEvidence {
  delimiter: string | null;
}

export function parseListLine(line: string, type: 'LIST' | 'XLIST'): ListedFolder | null {
  const items = untaggedItems(line, type);
  if (!items || !Array.isArray(items[0])) return null;
  const name = text(items[2]);
  if (name === null) return null;
  const attributes = (items[0] as Item[]).map(text).filter((a): a is string => a !== null);
  return { name: decodeMutf7(name), attributes, delimiter: text(items[1]) };
}

const specialUse = (attrs: readonly string[]): boolean =>
  attrs.some((a) => SPECIAL_USE_ATTRIBUTES.some((s) => s.toLowerCase() === a.toLowerCase()));

/** LIST or XLIST lines → the count, the delimiter, and the folders the role check needs. */
export function parseFolders(
  lines: readonly string[],
  via: FolderListEvidence['via'],
  dropped: number,
): FolderListEvidence {
  const type = via === 'xlist' ? 'XLIST' : 'LIST';
  const listed = lines.map((l) => parseListLine(l, type)).filter((f): f is ListedFolder => f !== null);
  const delimiter = listed.find((f) => f.delimiter !== null)?.delimiter ?? null;
  const folders = listed
    .filter((f) => specialUse(f.attributes) || roleByName(f.name, f.delimiter) !== undefined)
    .slice(0, LIMITS.syncFolders)
    .map((f) => ({ name: f.name, attributes: f.attributes }));
  return { via, count: listed.length, truncated: dropped > 0, delimiter, folders };
}

function namespaceList(x: Item | undefined): NamespaceEntry[] {
  if (!Array.isArray(x)) return [];
  return x
    .filter(Array.isArray)
    .slice(0, LIMITS.syncItems)
    .map((e) => ({ prefix: text((e as Item[])[0]) ?? '', delimiter: text((e as Item[])[1]) }));
}

export function parseNamespace(lines: readonly string[]): NamespaceInfo | null {
  for (const l of lines) {
    const items = untaggedItems(l, 'NAMESPACE');
    if (items)
      return { personal: namespaceList(items[0]), other: namespaceList(items[1]), shared: namespaceList(items[2]) };
  }
  return null;
}

export function parseQuota(lines: readonly string[]): QuotaEvidence {
  const out: QuotaEvidence = { roots: [], quotas: [] };
  for (const l of lines) {
    const roots = untaggedItems(l, 'QUOTAROOT');
    if (roots)
      out.roots = [
        ...out.roots,
        ...roots
          .slice(1)
          .map(text)
          .filter((r): r is string => r !== null),
      ].slice(0, LIMITS.syncItems);
    const q = untaggedItems(l, 'QUOTA');
    if (!q || !Array.isArray(q[1]) || out.quotas.length >= LIMITS.syncItems) continue;
    const flat = (q[1] as Item[]).slice(0, 3 * LIMITS.syncItems).map(text);
    const resources = [];
    for (let k = 0; k + 2 < flat.length; k += 3) {
      const [name, usage, limit] = [flat[k], Number(flat[k + 1]), Number(flat[k + 2])];
      if (name && Number.isFinite(usage) && Number.isFinite(limit))
        resources.push({ name: name.toUpperCase(), usage, limit });
    }
    out.quotas.push({ root: text(q[0]) ?? '', resources });
  }
  return out;
}

/** The number of matches: ESEARCH's COUNT, or the UIDs of SEARCH lines. Null when no result line came. */
export function parseSearchCount(lines: readonly string[], via: 'esearch' | 'search'): number | null {
  let count: number | null = null;
  for (const l of lines) {
    if (via === 'esearch') {
      const items = untaggedItems(l, 'ESEARCH');
      if (!items) continue;
      const k = items.findIndex((x) => text(x)?.toUpperCase() === 'COUNT');
      count = k >= 0 ? Number(text(items[k + 1])) : 0;
    } else {
      const items = untaggedItems(l, 'SEARCH');
      if (items) count = (count ?? 0) + items.filter((x) => /^\d+$/.test(text(x) ?? '')).length;
    }
  }
  return count;
}
