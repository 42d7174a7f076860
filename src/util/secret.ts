/**
 * A password or token that cannot leak by accident: printing, string-concatenating, JSON or
 * util.inspect all give "[redacted]". Only `reveal()` hands out the value, and only the auth
 * probe calls it. `variants()` lists the forms a leak could take; `scrub` masks them however a
 * server transformed them (case, Unicode normalisation), never inside a value the user typed,
 * `scrubServerText` masks a whole server text that quotes a piece of the secret, and `maskPieces`
 * masks only the pieces (what a refusal is classified on).
 */
import { inspect } from 'node:util';
import { mapStrings } from './plain.js';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get empty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }

  /**
   * The value and the encodings it could appear in: base64 alone and inside SASL PLAIN, XOAUTH2
   * and OAUTHBEARER (RFC 7628 §3.1: `n,a=user,^Ahost=…^Aport=…^Aauth=Bearer TOKEN^A^A`, whose
   * host and port vary), plus the part of the value's base64 that is the same wherever the value
   * sits inside a longer base64 blob.
   */
  variants(user?: string): string[] {
    const v = this.#value;
    if (v.length === 0) return [];
    // The IMAP quoted-string form (RFC 9051 §4.3) too: a server may echo the LOGIN argument.
    const quoted = v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const out = new Set<string>([
      v,
      quoted,
      Buffer.from(v).toString('base64'),
      encodeURIComponent(v),
      JSON.stringify(v).slice(1, -1),
    ]);
    if (user !== undefined) {
      out.add(Buffer.from(`\0${user}\0${v}`).toString('base64'));
      out.add(Buffer.from(`${user}\0${user}\0${v}`).toString('base64'));
      out.add(Buffer.from(`user=${user}\x01auth=Bearer ${v}\x01\x01`).toString('base64'));
      out.add(Buffer.from(`n,a=${user},\x01auth=Bearer ${v}\x01\x01`).toString('base64'));
    }
    for (const inner of embeddedBase64(v)) out.add(inner);
    return [...out];
  }
}

/** Shorter inner forms would match unrelated base64 text; the whole-blob forms above cover short secrets. */
const MIN_EMBEDDED = 12;

/**
 * Base64 works in 3-byte groups, so a value inside a longer blob encodes one of three ways,
 * by its offset mod 3. For each, the characters made only of the value's own bytes are fixed
 * whatever surrounds it: encode it behind 0–2 filler bytes and drop the groups the filler or
 * the unknown next bytes touch.
 */
function embeddedBase64(v: string): string[] {
  const bytes = Buffer.from(v);
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const full = Buffer.concat([Buffer.alloc(shift), bytes]);
    const whole = Math.floor(full.length / 3) * 3;
    const inner = full.subarray(shift === 0 ? 0 : 3, whole).toString('base64');
    if (inner.length >= MIN_EMBEDDED) out.push(inner);
  }
  return out;
}

/** How a text looks for matching: case-folded and NFKC, with where each folded character came from. */
interface Folded {
  text: string;
  /** For folded character i: the original range [start(i), end(i)) of the grapheme it came from. */
  start(i: number): number;
  end(i: number): number;
}

/** Made on first use: its ICU data costs tens of milliseconds, and most texts never need it. */
let segmenter: Intl.Segmenter | undefined;

/**
 * The graphemes of `s` with their offsets, segmented `window` characters at a time: each step of V8's
 * segmenter costs time in proportion to the whole text, so one pass over a long report took minutes.
 * A window ends between code points; its last grapheme may be cut short, so the next window starts
 * where it began (a boundary: UAX #29 decides each one from the code points before it and the one
 * after); one grapheme longer than the window widens it.
 */
export function* graphemes(s: string, window = 1024): Generator<{ segment: string; index: number }> {
  let at = 0;
  let size = window;
  while (at < s.length) {
    let end = Math.min(s.length, at + size);
    // Never between the halves of a surrogate pair: the grapheme rules read whole code points.
    if (end < s.length && /^[\ud800-\udbff][\udc00-\udfff]$/.test(s.slice(end - 1, end + 1))) end++;
    segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
    const parts = [...segmenter.segment(s.slice(at, end))];
    const last = parts.at(-1)?.index ?? 0;
    if (end < s.length && last === 0) {
      size *= 2;
      continue;
    }
    for (const p of end < s.length ? parts.slice(0, -1) : parts) yield { segment: p.segment, index: at + p.index };
    at = end < s.length ? at + last : end;
    size = window;
  }
}

const foldOne = (s: string) => s.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');

/**
 * Fold a text so a secret matches however it was transformed: upper or lower case (including ß → SS),
 * NFC, NFD, NFKC or NFKD (fullwidth, ligatures). Per grapheme, so a match maps back to whole characters.
 * Only the stretches around non-ASCII characters are segmented: between two ASCII characters there is
 * always a grapheme boundary (UAX #29; CR LF is kept apart, as in an all-ASCII text), and ASCII folds to
 * itself in lower case, one character for one. Each stretch takes one ASCII character on either side,
 * which a combining mark after it or a prepended mark before it may join.
 */
const ASCII = /^[\x00-\x7f]*$/;

export function fold(s: string): Folded {
  if (ASCII.test(s)) return { text: s.toLowerCase(), start: (i) => i, end: (i) => i + 1 };
  let text = '';
  // Where each piece of the folded text came from: [its start in text, its start in s, its length in s,
  // an ASCII run (one character for one) or one grapheme]; looked up only when something matched.
  const pieces: Array<[number, number, number, boolean]> = [];
  const ascii = (from: number, to: number) => {
    if (to <= from) return;
    pieces.push([text.length, from, to - from, true]);
    text += s.slice(from, to).toLowerCase();
  };
  let at = 0;
  for (const m of s.matchAll(/[^\x00-\x7f]+(?:[\x00-\x7f]{1,2}[^\x00-\x7f]+)*/g)) {
    const from = Math.max(at, m.index - 1);
    const to = Math.min(s.length, m.index + m[0].length + 1);
    ascii(at, from);
    const stretch = s.slice(from, to);
    for (const { segment, index } of SINGLES.test(stretch) ? singles(stretch) : graphemes(stretch)) {
      const f = foldOne(segment);
      if (f.length > 0) pieces.push([text.length, from + index, segment.length, false]);
      text += f;
    }
    at = to;
  }
  ascii(at, s.length);
  const pieceAt = (i: number): [number, number, number, boolean] => {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((pieces[mid] as [number, number, number, boolean])[0] <= i) lo = mid;
      else hi = mid - 1;
    }
    return pieces[lo] as [number, number, number, boolean];
  };
  const start = (i: number) => {
    const [at0, from, , run] = pieceAt(i);
    return run ? from + (i - at0) : from;
  };
  const end = (i: number) => {
    const [, from, length, run] = pieceAt(i);
    return run ? start(i) + 1 : from + length;
  };
  return { text, start, end };
}

/**
 * Characters that are always a grapheme of their own, next to each other and to ASCII: Latin-1 to the
 * spacing modifier letters, general punctuation, super- and subscripts, currency, letterlike symbols,
 * number forms, arrows, mathematical and technical symbols, box drawing, shapes and dingbats — none
 * combines, joins or is prepended (UAX #29), so a text of these needs no segmenter. Combining marks
 * (U+0300–036F, U+20D0–20FF), zero-width and bidi controls, line separators are left out.
 */
const SINGLES = /^[\x00-\x7f\u00a0-\u02ff\u2010-\u2027\u2030-\u205e\u2070-\u20cf\u2100-\u27bf]*$/;

function* singles(s: string): Generator<{ segment: string; index: number }> {
  for (let i = 0; i < s.length; i++) yield { segment: s[i] as string, index: i };
}

/** Original ranges where `needle` (already folded) occurs in `hay`. */
function occurrences(hay: Folded, needle: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (needle.length === 0) return out;
  for (let i = hay.text.indexOf(needle); i >= 0; i = hay.text.indexOf(needle, i + 1)) {
    out.push([hay.start(i), hay.end(i + needle.length - 1)]);
  }
  return out;
}

/** Ranges of the values the user typed (address, user, host, port; already folded): never masked in part. */
function protectedRanges(hay: Folded, protect: readonly string[]): Array<[number, number]> {
  return protect.flatMap((p) => occurrences(hay, p));
}

/** The secret forms and the values the user typed, folded once for many texts. */
interface Needles {
  forms: string[];
  protect: string[];
}

const needles = (forms: readonly string[], protect: readonly string[]): Needles => ({
  forms: forms.map((f) => fold(f).text),
  protect: protect.map((p) => fold(p).text),
});

const inside = (r: [number, number], outer: ReadonlyArray<[number, number]>) =>
  outer.some(([a, b]) => r[0] >= a && r[1] <= b);

/**
 * Every string inside a plain-data value with every secret form masked; numbers, booleans and keys
 * are left alone (a password "993" must not turn a port number into "[redacted]" or break the
 * structure). Values the user typed (`protect`) are never masked in part. Returns a copy.
 */
export function scrubDeep<T>(value: T, forms: readonly string[], protect: readonly string[] = []): T {
  if (forms.length === 0) return value;
  const n = needles(forms, protect);
  return mapStrings(value, (s) => scrubWith(s, n));
}

/**
 * Forms long enough to scrub from free text (terminal output) without mangling numbers and words:
 * a very short secret is still removed from every string of the report (scrubDeep), just not from
 * arbitrary text, where "993" or "the" would be replaced everywhere.
 */
export function textForms(forms: readonly string[]): string[] {
  return forms.filter((f) => f.length >= 6);
}

/**
 * Mask every occurrence of every secret form in `text`, matched case-insensitively and under Unicode
 * normalisation, except inside a value the user typed (`protect`).
 */
export function scrub(text: string, forms: readonly string[], protect: readonly string[] = []): string {
  if (forms.length === 0 || text.length === 0) return text;
  return scrubWith(text, needles(forms, protect));
}

function scrubWith(text: string, n: Needles): string {
  if (text.length === 0) return text;
  // Most strings of a report are ASCII and hold no secret: fold(text).text is then text.toLowerCase(),
  // and a lookup of each form there answers without building the folded text's position map.
  if (ASCII.test(text)) {
    const lower = text.toLowerCase();
    if (!n.forms.some((f) => f.length > 0 && lower.includes(f))) return text;
  }
  const hay = fold(text);
  const found = n.forms.flatMap((f) => occurrences(hay, f));
  if (found.length === 0) return text;
  const keep = protectedRanges(hay, n.protect);
  const hits = found.filter((r) => !inside(r, keep));
  if (hits.length === 0) return text;
  hits.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [a, b] of hits) {
    if (b <= at) continue;
    // A hit that overlaps or touches the previous one extends its mask: one "[redacted]", not two in a row.
    if (a > at || out === '') out += `${text.slice(at, Math.max(at, a))}[redacted]`;
    at = b;
  }
  return out + text.slice(at);
}

export const SERVER_TEXT_HIDDEN = '[server text hidden: it quoted your password or token]';

/**
 * Does `text` hold a piece of a secret at least max(6, half the secret) characters long (the whole
 * secret when it is shorter than that), outside the values the user typed? Catches truncated, split
 * and re-encoded echoes, while words such as "fail" or "auth" inside a long password never count.
 */
export function holdsPiece(text: string, secrets: readonly string[], protect: readonly string[] = []): boolean {
  const hay = fold(text);
  const keep = protectedRanges(
    hay,
    protect.map((p) => fold(p).text),
  );
  const folded =
    keep.length === 0
      ? hay.text
      : [...hay.text.split('')].map((c, i) => (inside([hay.start(i), hay.end(i)], keep) ? '\0' : c)).join('');
  return secrets.some((s) => {
    const f = fold(s).text;
    const n = pieceLength(s, f);
    for (let i = 0; n > 0 && i + n <= f.length; i++) if (folded.includes(f.slice(i, i + n))) return true;
    return false;
  });
}

/**
 * The smallest piece of a secret that counts as a form of it: max(6, half its length), the whole when
 * shorter. Half of the secret as typed or as folded, whichever is shorter: folding can lengthen it (ß → ss),
 * and a password with a ß must not let a longer echo through.
 */
function pieceLength(secret: string, folded: string): number {
  const length = Math.min([...secret].length, folded.length);
  return Math.min(folded.length, Math.max(6, Math.ceil(length / 2)));
}

/**
 * The text with every piece of a secret (see holdsPiece) and every form of it masked, the rest kept:
 * what the refusal is classified on, and what the evidence keeps, when the report hides the text whole.
 */
export function maskPieces(
  text: string,
  secrets: readonly string[],
  forms: readonly string[],
  protect: readonly string[] = [],
): string {
  const windows = secrets.flatMap((s) => {
    const f = fold(s).text;
    const n = pieceLength(s, f);
    return n === 0 ? [] : Array.from({ length: f.length - n + 1 }, (_, i) => f.slice(i, i + n));
  });
  return scrub(text, [...new Set([...windows, ...forms])], protect);
}

/** A server's text from a login: masked whole when it holds a piece of the secret, else every form masked. */
export function scrubServerText(
  text: string,
  secrets: readonly string[],
  forms: readonly string[],
  protect: readonly string[] = [],
): string {
  if (secrets.length > 0 && holdsPiece(text, secrets, protect)) return SERVER_TEXT_HIDDEN;
  return scrub(text, forms, protect);
}
