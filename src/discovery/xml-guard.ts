/**
 * Shared internals of the two settings-file parsers: `guardXml` refuses untrusted bodies that are
 * empty, too large, carry a DOCTYPE/ENTITY, are HTML, nest too deep, hold too many elements or are
 * not well-formed, before any parsing; the rest walks fast-xml-parser trees and checks hostnames and
 * ports. Pure; nothing here throws, and every scan over the body is linear (no backtracking regex).
 */
import { XMLValidator, type XMLParser } from 'fast-xml-parser';
import { LIMITS } from '../limits.js';
import type { ParseFailed, ParseFailure } from '../model/discovery.js';
import { thrown } from '../errors/classify.js';

export const DEFAULT_MAX_BYTES = LIMITS.httpBodyBytes;

export type GuardFailureReason = Extract<
  ParseFailure,
  'empty' | 'too-large' | 'doctype' | 'html' | 'too-deep' | 'too-many-elements' | 'not-xml'
>;
export type GuardResult = { ok: true; xml: string } | ({ ok: false } & ParseFailed<GuardFailureReason>);

/** Guard the body, then parse it; a parser exception (e.g. a reserved tag name) is 'not-xml'. */
export function guardAndParse(
  body: string,
  maxBytes: number | undefined,
  parser: XMLParser,
): { ok: true; tree: unknown } | ({ ok: false } & ParseFailed<GuardFailureReason>) {
  const guard = guardXml(body, maxBytes);
  if (!guard.ok) return guard;
  try {
    return { ok: true, tree: parser.parse(guard.xml) as unknown };
  } catch (error) {
    return { ok: false, reason: 'not-xml', detail: thrown(error).message };
  }
}

const DECLARATION = /<!(DOCTYPE|ENTITY)\s*([A-Za-z]*)/i;
const HTML_ROOTS = new Set(['html', 'head', 'body']);
const WHITESPACE = /\s/;

/**
 * The root element's name, after the XML declaration, processing instructions, comments and blanks.
 * A scan, not a regular expression: `(?:\s+|…)*` backtracked exponentially on blanks followed by
 * anything but `<` (60 newlines and a `!` froze the run).
 */
export function rootElementName(xml: string): string | undefined {
  let i = 0;
  for (;;) {
    while (i < xml.length && WHITESPACE.test(xml[i] as string)) i++;
    const close = xml.startsWith('<?', i) ? '?>' : xml.startsWith('<!--', i) ? '-->' : undefined;
    if (close === undefined) break;
    const end = xml.indexOf(close, i + 2);
    if (end < 0) return undefined;
    i = end + close.length;
  }
  return /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(i, i + 256))?.[1];
}

/** End of the markup that starts at `i` (a '<'): past its closing '>', quotes respected; -1 when unterminated. */
function markupEnd(xml: string, i: number): number {
  for (const [open, close] of [
    ['<!--', '-->'],
    ['<![CDATA[', ']]>'],
    ['<?', '?>'],
  ] as const) {
    if (xml.startsWith(open, i)) {
      const end = xml.indexOf(close, i + open.length);
      return end < 0 ? -1 : end + close.length;
    }
  }
  let quote = '';
  for (let j = i + 1; j < xml.length; j++) {
    const c = xml[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j + 1;
  }
  return -1;
}

/**
 * Element depth and count, in one linear pass, before the parser builds anything: a document nested
 * thousands deep or holding tens of thousands of elements is refused whatever else it holds.
 * Malformed markup ends the scan; the validator names it afterwards.
 */
export function shapeProblem(
  xml: string,
  max: { depth: number; elements: number } = { depth: LIMITS.xmlDepth, elements: LIMITS.xmlElements },
): ParseFailed<'too-deep' | 'too-many-elements'> | undefined {
  let depth = 0;
  let elements = 0;
  for (let i = xml.indexOf('<'); i >= 0; i = xml.indexOf('<', i)) {
    const end = markupEnd(xml, i);
    if (end < 0) return undefined;
    const next = xml[i + 1];
    if (next === '/') depth--;
    else if (next !== '!' && next !== '?') {
      elements++;
      if (xml[end - 2] !== '/') depth++;
      if (depth > max.depth) return { reason: 'too-deep', why: { code: 'nested-too-deep', limit: max.depth } };
      if (elements > max.elements)
        return { reason: 'too-many-elements', why: { code: 'too-many-elements', limit: max.elements } };
    }
    i = end;
  }
  return undefined;
}

/**
 * Checks an untrusted body in this order: empty, too-large (UTF-8 bytes), doctype, html, too-deep /
 * too-many-elements, not-xml.
 * On success `xml` is the body without a leading byte-order mark, ready for the parser.
 */
export function guardXml(body: string, maxBytes: number = DEFAULT_MAX_BYTES): GuardResult {
  const text = typeof body === 'string' ? body : '';
  if (text.trim() === '') return { ok: false, reason: 'empty' };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return { ok: false, reason: 'too-large', why: { code: 'over-limit', bytes, limit: maxBytes } };
  const declaration = DECLARATION.exec(text);
  if (declaration) {
    const kind = (declaration[1] ?? '').toUpperCase();
    const isHtml = kind === 'DOCTYPE' && (declaration[2] ?? '').toLowerCase() === 'html';
    return {
      ok: false,
      reason: 'doctype',
      why: isHtml ? { code: 'html-doctype' } : { code: 'declaration', kind },
    };
  }
  const xml = text.replace(/^\uFEFF/, '');
  const root = rootElementName(xml)?.toLowerCase();
  if (root !== undefined && HTML_ROOTS.has(root))
    return { ok: false, reason: 'html', why: { code: 'html-root', element: root } };
  const shape = shapeProblem(xml);
  if (shape) return { ok: false, ...shape };
  let verdict: ReturnType<typeof XMLValidator.validate>;
  try {
    verdict = XMLValidator.validate(xml);
  } catch (error) {
    return { ok: false, reason: 'not-xml', detail: thrown(error).message };
  }
  if (verdict !== true) {
    if (/<html[\s>]/i.test(xml)) return { ok: false, reason: 'html', why: { code: 'html-malformed' } };
    const { msg, line, col } = verdict.err;
    return { ok: false, reason: 'not-xml', why: { code: 'xml-error', message: msg, line, column: col } };
  }
  return { ok: true, xml };
}

// ---------------------------------------------------------------- tree walking

/** An element as fast-xml-parser returns it: child names and `@attributes` as keys. */
export type XmlNode = Record<string, unknown>;

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Trimmed text of an element (first one when repeated), or undefined when it has none. */
export function textOf(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first.trim();
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  if (isNode(first)) return textOf(first['#text']);
  return undefined;
}

/** Like `textOf`, but an empty text counts as absent. */
export function nonEmptyText(value: unknown): string | undefined {
  const text = textOf(value);
  return text === undefined || text === '' ? undefined : text;
}

export function attrOf(node: XmlNode, name: string): string | undefined {
  return nonEmptyText(node[`@${name}`]);
}

/** Children named `name`, compared case-insensitively (Autodiscover servers vary the case). */
export function childrenOf(node: unknown, name: string): unknown[] {
  if (!isNode(node)) return [];
  const wanted = name.toLowerCase();
  const key = Object.keys(node).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? [] : asArray(node[key]);
}

export function childOf(node: unknown, name: string): unknown {
  return childrenOf(node, name)[0];
}

// ---------------------------------------------------------------- values

export { endpointFromUrl, normaliseHost, parsePort } from './settings-values.js';
