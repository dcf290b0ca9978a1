import { describe, expect, it } from 'vitest';
import { fix } from '../testing/fixtures.js';
import { describeFix, fixAgeLevel, fixAgeText } from './position.js';

describe('describeFix', () => {
  it('gives Trafalgar Square its National Grid position and reference', () => {
    // Nelson's Column: OS grid TQ 30015 80479 (to a few metres with the Helmert fit).
    const p = describeFix(fix(51.507735, -0.127972, 0));
    expect(p.lat).toBe('51.507735');
    expect(p.lon).toBe('-0.127972');
    expect(Number(p.easting)).toBeGreaterThan(530000 - 10);
    expect(Number(p.easting)).toBeLessThan(530050);
    expect(p.easting).toMatch(/^\d+$/);
    expect(p.northing).toMatch(/^\d+$/);
    expect(p.gridRef).toMatch(/^TQ \d{5} \d{5}$/);
  });

  it('shows the grid reference and the easting/northing as the same whole metres', () => {
    // Positions spread over Great Britain, so fractions of a metre above and below .5 both occur.
    for (let i = 0; i < 200; i++) {
      const p = describeFix(fix(50.2 + (i % 20) * 0.37, -5.1 + Math.floor(i / 20) * 0.61 + i * 0.0001237, 0));
      if (!p.gridRef) continue;
      const [, e, n] = p.gridRef.split(' ');
      expect(p.easting!.slice(-5), `${p.gridRef} vs ${p.easting}`).toBe(e);
      expect(p.northing!.slice(-5), `${p.gridRef} vs ${p.northing}`).toBe(n);
    }
  });

  it('says nothing about the grid outside Great Britain', () => {
    const p = describeFix(fix(48.8584, 2.2945, 0));
    expect(p.easting).toBeNull();
    expect(p.northing).toBeNull();
    expect(p.gridRef).toBeNull();
  });

  it('shows altitude, speed and heading only when the phone reported them', () => {
    expect(describeFix(fix(51.5, -0.1, 0)).speed).toBeNull();
    const p = describeFix(fix(51.5, -0.1, 0, { altitude: 31.6, speed: 13.4, heading: 271 }));
    expect(p.altitude).toBe('32 m');
    expect(p.speed).toBe('13.4 m/s (30 mph)');
    expect(p.heading).toBe('271° W');
  });
});

describe('fix age', () => {
  it('turns amber after 10 s and red after 30 s', () => {
    expect(fixAgeLevel(0)).toBe('fresh');
    expect(fixAgeLevel(10_999)).toBe('fresh');
    expect(fixAgeLevel(11_000)).toBe('stale');
    expect(fixAgeLevel(30_999)).toBe('stale');
    expect(fixAgeLevel(31_000)).toBe('old');
  });

  it('reads as a sentence', () => {
    expect(fixAgeText(4_200)).toBe('last fix 4 s ago');
  });
});
