/** Where JSON first goes wrong: named for each kind of mistake, and never disagreeing with JSON.parse. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonErrorAt } from '../../../src/show/json-error.js';

describe('jsonErrorAt', () => {
  it('names the place and what was expected', () => {
    expect(jsonErrorAt('{"a": 1,}')).toEqual({ index: 8, expected: 'a double-quoted string' });
    expect(jsonErrorAt('{"a": 1 "b": 2}')).toEqual({ index: 8, expected: "',' or '}'" });
    expect(jsonErrorAt('{"a" 1}')).toEqual({ index: 5, expected: "':' after a property name" });
    expect(jsonErrorAt('{"a": "x\ny"}')).toEqual({
      index: 8,
      expected: 'no line break or control character inside a string',
    });
    expect(jsonErrorAt('{"a": "\\q"}')).toEqual({ index: 7, expected: 'a valid escape (\\n, \\", \\u0041, …)' });
    expect(jsonErrorAt('{"a": [1, 2}')).toEqual({ index: 11, expected: "',' or ']'" });
    expect(jsonErrorAt('{"a": tru}')).toEqual({
      index: 6,
      expected: 'a value (a string, number, object, array, true, false or null)',
    });
    expect(jsonErrorAt('{"a": "x')).toEqual({ index: 8, expected: 'the closing quote of a string' });
    expect(jsonErrorAt('{} {}')).toEqual({ index: 3, expected: 'nothing after the end of the JSON' });
    expect(jsonErrorAt(' {"a": [1, -2.5e3, true, null, "\\u00e9"]} ')).toBeNull();
  });

  it('agrees with JSON.parse on every one-character deletion of a real report', () => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../../corpus/starttls-143.evidence.json'), 'utf8');
    for (let i = 0; i < text.length; i += 7) {
      const t = text.slice(0, i) + text.slice(i + 1);
      let parses = true;
      try {
        JSON.parse(t);
      } catch {
        parses = false;
      }
      expect(jsonErrorAt(t) === null, `deleting offset ${i}`).toBe(parses);
    }
  });
});
