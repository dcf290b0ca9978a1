import { describe, expect, it } from 'vitest';
import { percentile, summarise } from './stats.js';

describe('percentile', () => {
  it('uses nearest rank', () => {
    const s = [5, 1, 4, 2, 3];
    expect(percentile(s, 50)).toBe(3);
    expect(percentile(s, 90)).toBe(5);
    expect(percentile(s, 0)).toBe(1);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
  });

  it('is NaN for no samples, and summarise reports null', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(summarise([]).p50).toBeNull();
  });
});
