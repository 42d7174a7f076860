/**
 * The JSON object inside pasted text, as ticket systems hand it back: a BOM, CRLF line ends,
 * text before and after, Markdown code fences. A line break inserted inside a JSON string (the
 * paste was wrapped) is not repaired: it is reported with its line, as is a cut-off paste.
 * Pure: text in, parsed value out, or an InputError with one line naming the problem.
 */
import { InputError } from '../address.js';
import { jsonErrorAt } from './json-error.js';

/** Keys that mark the object we look for (a report or saved evidence) among other JSON in a paste. */
const MARKERS = ['schemaVersion', 'evidenceVersion'];
/** Starts tried that are not at a line start (prose such as "see {below}" before the report). */
const MAX_INLINE_STARTS = 20;

interface Scan {
  /** Index just past the closing brace, or -1 when the text ends first. */
  end: number;
  /** Index of the first raw line break inside a string, or -1. */
  brokenString: number;
}

/** Walks one JSON value from `start` (a '{'), string-aware, to its closing brace. */
function scanObject(text: string, start: number): Scan {
  let depth = 0;
  let inString = false;
  let brokenString = -1;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      else if (ch === '\n' && brokenString < 0) brokenString = i;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return { end: i + 1, brokenString };
    }
  }
  return { end: -1, brokenString };
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function columnOf(text: string, index: number): number {
  return index - text.lastIndexOf('\n', index - 1);
}

/** Where a JSON object may start: each '{' that opens a line (after blanks or a BOM), then a few inline ones. */
function starts(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/^[ \t\uFEFF]*\{/gm)) out.push(m.index + m[0].length - 1);
  let inline = 0;
  for (let i = text.indexOf('{'); i >= 0 && inline < MAX_INLINE_STARTS; i = text.indexOf('{', i + 1)) {
    if (!out.includes(i)) {
      out.push(i);
      inline++;
    }
  }
  return out.sort((a, b) => a - b);
}

/** Where JSON.parse refused the object, as "line L, column C: expected …", counted in the whole paste. */
function syntaxProblem(text: string, offset: number, slice: string): string {
  const e = jsonErrorAt(slice);
  if (!e) return 'a JSON syntax error';
  const at = offset + e.index;
  const found = at < text.length ? JSON.stringify(text[at]) : 'the end';
  return `line ${lineOf(text, at)}, column ${columnOf(text, at)}: expected ${e.expected}, found ${found}`;
}

const hasMarker = (s: string): boolean => MARKERS.some((k) => s.includes(`"${k}"`));

/**
 * The first JSON object in `input` that carries a report or evidence marker (else the first JSON
 * object at all). `what` names the input in messages ("report.json", "standard input").
 */
export function extractJson(input: string, what: string): Record<string, unknown> {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let fallback: Record<string, unknown> | undefined;
  let problem: string | undefined;
  let skipTo = 0;
  for (const start of starts(text)) {
    if (start < skipTo) continue;
    const scan = scanObject(text, start);
    const slice = scan.end > 0 ? text.slice(start, scan.end) : text.slice(start);
    const marked = hasMarker(slice);
    if (scan.end < 0) {
      if (marked) problem ??= `the JSON that starts on line ${lineOf(text, start)} never ends: the paste looks cut off`;
      continue;
    }
    skipTo = scan.end;
    if (scan.brokenString >= 0) {
      if (marked) {
        problem ??= `line ${lineOf(text, scan.brokenString)} breaks inside a quoted text: the report was wrapped when it was pasted. Attach the .json file instead, or paste it inside a code block (\`\`\`) so that nothing rewraps it`;
      }
      continue;
    }
    try {
      const value = JSON.parse(slice) as Record<string, unknown>;
      if (marked && MARKERS.some((k) => k in value)) return value;
      fallback ??= value;
    } catch {
      if (marked) problem ??= `not valid JSON at ${syntaxProblem(text, start, slice)}`;
    }
  }
  if (problem) throw new InputError(`${what}: ${problem}`);
  if (fallback) return fallback;
  throw new InputError(`${what}: no JSON report in it (expected what imap-doctor --json printed)`);
}
