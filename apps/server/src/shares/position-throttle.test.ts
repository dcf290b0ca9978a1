import { describe, expect, it } from 'vitest';
import { PositionThrottle } from './position-throttle.js';

describe('PositionThrottle', () => {
  it('takes the first position of a share and refuses another within the interval', () => {
    const t = new PositionThrottle(2_000);
    expect(t.take('a', 10_000)).toBe(true);
    expect(t.take('a', 10_500)).toBe(false);
    expect(t.take('a', 11_999)).toBe(false);
    expect(t.take('a', 12_000)).toBe(true);
  });

  it('counts each share on its own', () => {
    const t = new PositionThrottle(2_000);
    expect(t.take('a', 0)).toBe(true);
    expect(t.take('b', 1)).toBe(true);
    expect(t.take('a', 2)).toBe(false);
  });

  it('takes a position again after the share is forgotten, and after the clock went backwards', () => {
    const t = new PositionThrottle(2_000);
    expect(t.take('a', 5_000)).toBe(true);
    t.forget('a');
    expect(t.take('a', 5_001)).toBe(true);
    expect(t.take('a', 1_000)).toBe(true);
  });
});
