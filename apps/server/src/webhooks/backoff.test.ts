import { describe, expect, it } from 'vitest';
import { retryDelay } from './backoff.js';

const policy = { baseMs: 1000, capMs: 60_000 };

describe('retryDelay', () => {
  it('doubles the ceiling with each attempt, from the base', () => {
    const top = (attempt: number) => retryDelay(attempt, policy, () => 0.999999);
    expect([1, 2, 3, 4].map(top)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('jitters between half and all of the ceiling', () => {
    expect(retryDelay(3, policy, () => 0)).toBe(2000);
    expect(retryDelay(3, policy, () => 0.5)).toBe(3000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelay(3, policy);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('never waits longer than the cap, however many attempts', () => {
    expect(retryDelay(7, policy, () => 0.999999)).toBe(60_000);
    expect(retryDelay(50, policy, () => 0.999999)).toBe(60_000);
  });
});
