/**
 * The one place where text from the network or the user is made safe for a terminal or a ticket:
 * control characters (C0 except newline and tab, DEL, C1) and the format characters that reorder
 * or break lines (bidirectional overrides and isolates, line and paragraph separators) are shown as
 * escapes, e.g. ESC as `\x1b`, so no string can clear the screen, retitle a window, write the
 * clipboard (OSC 52) or make one line look like another. The text and Markdown renderers see the
 * report only through `visibleDeep`; JSON keeps the data as it came (JSON escapes it by itself).
 */

import { mapStrings } from '../util/plain.js';

/** Every character a terminal or viewer would act on instead of showing. */
// eslint-disable-next-line no-control-regex
export const HIDDEN =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(ch: string): string {
  const cp = ch.charCodeAt(0);
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : unicodeEscape(ch);
}

/** `\uXXXX`: the JSON (and JavaScript) escape of one UTF-16 unit. */
export function unicodeEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Data as JSON text, indented (or on one line, for NDJSON): the data kept as it came, and the characters JSON.stringify leaves raw
 * that a terminal would act on (DEL, C1, bidi overrides, line separators) written as \u escapes,
 * which JSON readers decode to the same data.
 */
export function inertJson(value: unknown, indent: 2 | 0 = 2): string {
  return `${JSON.stringify(value, null, indent || undefined).replace(HIDDEN, unicodeEscape)}\n`;
}

/** The string with every hidden character replaced by its escape; idempotent. */
export function visible(s: string): string {
  return s.replace(HIDDEN, escape);
}

/** A copy of plain data with every string made visible (keys included: they can come from a server too). */
export function visibleDeep<T>(value: T): T {
  return mapStrings(value, visible, visible);
}
