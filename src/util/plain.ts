/**
 * Plain data (what JSON holds: objects, arrays, strings, numbers, booleans, null) walked once, for the
 * passes that rewrite every string of a report: secret scrubbing, redaction, terminal-safe text.
 */

/**
 * A copy of `value` with every string replaced by `leaf(string, key)`, `key` naming the property that holds
 * it (undefined inside an array and at the top), and every property name by `rename(name)`. Objects are
 * copied key by key (Object.entries/fromEntries built and dropped two arrays per object, on a report
 * rewritten at each phase of a run); a "__proto__" key from parsed input stays an own data property, as
 * Object.fromEntries kept it, and never sets the copy's prototype.
 */
export function mapStrings<T>(
  value: T,
  leaf: (s: string, key: string | undefined) => unknown,
  rename?: (name: string) => string,
): T {
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return leaf(v, key);
    if (Array.isArray(v)) return v.map((x) => walk(x, undefined));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        const x = walk((v as Record<string, unknown>)[k], k);
        const name = rename ? rename(k) : k;
        if (name === '__proto__')
          Object.defineProperty(out, name, { value: x, enumerable: true, writable: true, configurable: true });
        else out[name] = x;
      }
      return out;
    }
    return v;
  };
  return walk(value, undefined) as T;
}
