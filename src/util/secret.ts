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

  /** The value and the encodings it could appear in (base64 alone and inside SASL PLAIN). */
  variants(user?: string): string[] {
    const v = this.#value;
    if (v.length === 0) return [];
    const out = new Set<string>([v, Buffer.from(v).toString('base64'), encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]);
    if (user !== undefined) {
      out.add(Buffer.from(`\0${user}\0${v}`).toString('base64'));
      out.add(Buffer.from(`${user}\0${user}\0${v}`).toString('base64'));
      out.add(Buffer.from(`user=${user}\x01auth=Bearer ${v}\x01\x01`).toString('base64'));
    }
    return [...out].filter((s) => s.length >= 3);
  }
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
