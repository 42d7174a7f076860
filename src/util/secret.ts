/**
 * A password or token that cannot leak by accident: printing, string-concatenating, JSON or
 * util.inspect all give "[redacted]". Only `reveal()` hands out the value, and only the auth
 * probe calls it. `variants()` lists the forms a leak could take, for the last-line scrubber.
 */
import { inspect } from 'node:util';

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
    const out = new Set<string>([v, quoted, Buffer.from(v).toString('base64'), encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]);
    if (user !== undefined) {
      out.add(Buffer.from(`\0${user}\0${v}`).toString('base64'));
      out.add(Buffer.from(`${user}\0${user}\0${v}`).toString('base64'));
      out.add(Buffer.from(`user=${user}\x01auth=Bearer ${v}\x01\x01`).toString('base64'));
      out.add(Buffer.from(`n,a=${user},\x01auth=Bearer ${v}\x01\x01`).toString('base64'));
    }
    for (const inner of embeddedBase64(v)) out.add(inner);
    return [...out].filter((s) => s.length >= 3);
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

/**
 * Every string inside a plain-data value with every secret form replaced; numbers, booleans and
 * keys are left alone (a password "993" must not turn a port number into "[redacted]" or break
 * the structure). Returns a copy.
 */
export function scrubDeep<T>(value: T, forms: readonly string[]): T {
  if (forms.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v, forms);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * Forms long enough to scrub from free text (terminal output) without mangling numbers and words:
 * a very short secret is still removed from every string of the report (scrubDeep), just not from
 * arbitrary text, where "993" or "the" would be replaced everywhere.
 */
export function textForms(forms: readonly string[]): string[] {
  return forms.filter((f) => f.length >= 6);
}

/** Replace every occurrence of every secret form in `text`. */
export function scrub(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) {
    if (f.length === 0) continue;
    out = out.split(f).join('[redacted]');
  }
  return out;
}
