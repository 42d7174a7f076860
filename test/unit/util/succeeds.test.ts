import { describe, expect, it } from 'vitest';
import { succeeds } from '../../../src/util/succeeds.js';

describe('succeeds', () => {
  it('is true when the function returns (whatever it returns) and false when it throws', () => {
    expect(succeeds(() => undefined)).toBe(true);
    expect(succeeds(() => false)).toBe(true);
    expect(
      succeeds(() => {
        throw new Error('no');
      }),
    ).toBe(false);
    expect(succeeds(() => JSON.parse('{'))).toBe(false);
  });
});
