import { describe, expect, it } from 'vitest';
import { simplifyIndices } from './simplify.js';

/** A walk of `n` points: a zig-zag street pattern with small GPS jitter. */
function walk(n: number): Array<{ lat: number; lon: number }> {
  return Array.from({ length: n }, (_, i) => ({
    lat: 51.5 + i * 1e-5 + (Math.floor(i / 500) % 2) * 2e-3 + ((i * 7919) % 13) * 1e-7,
    lon: -0.12 + Math.sin(i / 300) * 3e-3,
  }));
}

describe('simplifyIndices', () => {
  it('keeps a short line whole', () => {
    expect(simplifyIndices(walk(5), 10)).toEqual([0, 1, 2, 3, 4]);
  });

  it('holds a six-hour track to the budget, keeping the first and the newest point exactly', () => {
    const pts = walk(21_600);
    const idx = simplifyIndices(pts, 2_000);
    expect(idx.length).toBe(2_000);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(21_599);
    expect(new Set(idx).size).toBe(idx.length);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
  });

  it('keeps the corner of an L-shaped walk and drops the points along its straight legs', () => {
    const leg1 = Array.from({ length: 50 }, (_, i) => ({ lat: 51.5 + i * 1e-4, lon: 0 }));
    const leg2 = Array.from({ length: 50 }, (_, i) => ({ lat: 51.5 + 49e-4, lon: (i + 1) * 1e-4 }));
    expect(simplifyIndices([...leg1, ...leg2], 3)).toEqual([0, 49, 99]);
  });
});
