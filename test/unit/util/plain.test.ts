import { describe, expect, it } from 'vitest';
import { mapStrings } from '../../../src/util/plain.js';

describe('mapStrings', () => {
  it('rewrites every string with the name of the property holding it, none inside arrays or at the top', () => {
    const seen: Array<[string, string | undefined]> = [];
    const out = mapStrings({ a: 'x', b: ['y', { c: 'z' }], n: 993, t: true, z: null }, (s, key) => {
      seen.push([s, key]);
      return s.toUpperCase();
    });
    expect(out).toEqual({ a: 'X', b: ['Y', { c: 'Z' }], n: 993, t: true, z: null });
    expect(seen).toEqual([
      ['x', 'a'],
      ['y', undefined],
      ['z', 'c'],
    ]);
    expect(mapStrings('top', (s, key) => `${s}:${String(key)}`)).toBe('top:undefined');
  });

  it('renames keys, returns a copy and leaves the input as it was', () => {
    const input = { 'a\u001b': { b: 'v' } };
    const out = mapStrings(
      input,
      (s) => s,
      (k) => k.replace('\u001b', '?'),
    );
    expect(out).toEqual({ 'a?': { b: 'v' } });
    expect(input).toEqual({ 'a\u001b': { b: 'v' } });
    expect((out as Record<string, unknown>)['a?']).not.toBe(input['a\u001b']);
  });

  it('keeps an own "__proto__" key from parsed input as data, never as the prototype of the copy', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": "yes"}, "k": "v"}') as Record<string, unknown>;
    const out = mapStrings(parsed, (s) => s) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"yes"},"k":"v"}');
  });
});
