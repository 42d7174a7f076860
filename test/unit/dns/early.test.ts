import { describe, expect, it } from 'vitest';
import { randomIds } from '../../../src/dns/early.js';

describe('randomIds', () => {
  it('draws the asked number of 16-bit query ids', () => {
    for (const n of [0, 1, 2, 6]) {
      const ids = randomIds(n);
      expect(ids).toHaveLength(n);
      for (const id of ids) expect(Number.isInteger(id) && id >= 0 && id <= 0xffff).toBe(true);
    }
  });

  it('draws new ids each time (two draws of 16 agree with a chance of 2^-256)', () => {
    expect(randomIds(16)).not.toEqual(randomIds(16));
  });
});
