/** The code-unit order used for deterministic tie-breaks between DNS names. */
import { describe, expect, it } from 'vitest';
import { byCodeUnits } from '../../../src/util/compare.js';

describe('byCodeUnits', () => {
  it('orders by UTF-16 code units, equal strings tie', () => {
    expect(['mx2.example', 'mx1.example', 'MX.example', 'mx-1.example'].sort(byCodeUnits)).toEqual([
      'MX.example',
      'mx-1.example',
      'mx1.example',
      'mx2.example',
    ]);
    expect(byCodeUnits('a.example', 'a.example')).toBe(0);
  });
});
