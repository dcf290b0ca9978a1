import { describe, expect, it } from 'vitest';
import { parseRange } from './evidence.routes.js';

describe('parseRange', () => {
  it('reads the forms browsers send', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
  });

  it('rejects unsatisfiable ranges and ignores ones it cannot read', () => {
    expect(() => parseRange('bytes=100-', 100)).toThrow(/not satisfiable/);
    expect(() => parseRange('bytes=20-10', 100)).toThrow();
    expect(parseRange('items=1-2', 100)).toBeNull();
  });
});
