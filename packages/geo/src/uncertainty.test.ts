import { describe, expect, it } from 'vitest';
import { compareFixes } from './uncertainty.js';

// 0.01° of latitude is 1111.95 m on the sphere great-circle.ts uses.
const here = { lat: 51.5, lon: -0.12 };
const north = { lat: 51.51, lon: -0.12 };

describe('compareFixes', () => {
  it('says two fixes 1.1 km apart with 50 m and 20 m radii disagree, and by how much', () => {
    const c = compareFixes({ ...here, radiusM: 50 }, { ...north, radiusM: 20 });
    expect(c.distanceM).toBeCloseTo(1112, 0);
    expect(c.combinedRadiusM).toBe(70);
    expect(c.disagree).toBe(true);
  });

  it('lets overlapping circles agree: a 1 km network radius covers a GPS fix 1.1 km away with 200 m', () => {
    expect(compareFixes({ ...here, radiusM: 1000 }, { ...north, radiusM: 200 }).disagree).toBe(false);
  });

  it('counts circles that just touch as agreeing (the distance must exceed the sum)', () => {
    const c = compareFixes({ ...here, radiusM: 0 }, { ...here, radiusM: 0 });
    expect(c).toEqual({ distanceM: 0, combinedRadiusM: 0, disagree: false });
  });
});
