import { describe, expect, it } from 'vitest';
import { compassPoint, compassWords, distanceMetres, initialBearing } from './index.js';

// Expected values from Chris Veness, "Calculate distance, bearing and more between
// Latitude/Longitude points" (movable-type.co.uk/scripts/latlong.html), whose worked example is
// Land's End to John o' Groats on a sphere of radius 6371 km: 968.9 km, initial bearing 009°07′11″.
const LANDS_END = { lat: 50 + 3 / 60 + 59 / 3600, lon: -(5 + 42 / 60 + 53 / 3600) };
const JOHN_O_GROATS = { lat: 58 + 38 / 60 + 38 / 3600, lon: -(3 + 4 / 60 + 12 / 3600) };

describe('great-circle distance and bearing', () => {
  it("gives Land's End to John o' Groats as 968.9 km on an initial bearing of 009°07′11″", () => {
    expect(distanceMetres(LANDS_END, JOHN_O_GROATS) / 1000).toBeCloseTo(968.9, 1);
    const bearing = initialBearing(LANDS_END, JOHN_O_GROATS);
    expect(Math.abs(bearing - (9 + 7 / 60 + 11 / 3600))).toBeLessThan(1 / 3600);
  });

  it('gives one degree of latitude as 111.195 km (2πR/360) and due north as 0°', () => {
    const a = { lat: 51, lon: -0.1 };
    const b = { lat: 52, lon: -0.1 };
    expect(distanceMetres(a, b)).toBeCloseTo(111_194.93, 1);
    expect(initialBearing(a, b)).toBeCloseTo(0, 9);
    expect(initialBearing(b, a)).toBeCloseTo(180, 9);
  });

  it('measures due east along the equator as 90° and a quarter of the way round as 10 007.5 km', () => {
    const a = { lat: 0, lon: 0 };
    expect(initialBearing(a, { lat: 0, lon: 1 })).toBeCloseTo(90, 9);
    expect(initialBearing(a, { lat: 0, lon: -1 })).toBeCloseTo(270, 9);
    expect(distanceMetres(a, { lat: 0, lon: 90 }) / 1000).toBeCloseTo(10_007.54, 1);
  });

  it('is zero for the same point, and the same both ways', () => {
    const p = { lat: 51.508, lon: -0.1281 };
    const q = { lat: 51.5014, lon: -0.1419 };
    expect(distanceMetres(p, p)).toBe(0);
    expect(distanceMetres(p, q)).toBeCloseTo(distanceMetres(q, p), 9);
  });
});

describe('compass points', () => {
  it('names the nearest of sixteen points, wrapping at north', () => {
    expect(compassPoint(0)).toBe('N');
    expect(compassPoint(11.2)).toBe('N');
    expect(compassPoint(11.3)).toBe('NNE');
    expect(compassPoint(9.12)).toBe('N');
    expect(compassPoint(135)).toBe('SE');
    expect(compassPoint(350)).toBe('N');
    expect(compassPoint(-90)).toBe('W');
    expect(compassPoint(247.5)).toBe('WSW');
  });

  it('spells a point out in words for a screen reader', () => {
    expect(compassWords('N')).toBe('north');
    expect(compassWords('SE')).toBe('south-east');
    expect(compassWords('NNE')).toBe('north-north-east');
  });
});
