import type { AmlFix } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { fix } from '../testing/fixtures.js';
import {
  describeNetworkFix,
  disagreement,
  disagreementText,
  formatDistance,
  newerNetworkFix,
} from './network-location.js';

const aml: AmlFix = {
  id: 'a1',
  lat: 51.51,
  lon: -0.12,
  radiusM: 50,
  confidence: 68,
  method: 'cell',
  positionedAt: 1_000,
  receivedAt: 2_000,
  format: 'https',
};
const gps = fix(51.5, -0.12, 1_000, { accuracy: 20 });

describe('network location against the GPS', () => {
  it('warns, naming the distance and both radii, when the fixes are farther apart than r_aml + r_gps', () => {
    const d = disagreement(aml, gps);
    expect(d).not.toBeNull();
    expect(disagreementText(d!)).toBe(
      "Network location is 1.1 km from the phone's GPS — more than both uncertainties (network ±50 m, GPS ±20 m).",
    );
  });

  it('says nothing when the circles overlap, or when either fix is missing', () => {
    expect(disagreement({ ...aml, radiusM: 1100 }, gps)).toBeNull();
    expect(disagreement(null, gps)).toBeNull();
    expect(disagreement(aml, null)).toBeNull();
  });

  it('keeps the newer network fix by position time', () => {
    const older = { ...aml, id: 'a0', positionedAt: 500 };
    expect(newerNetworkFix(aml, older)).toBe(aml);
    expect(newerNetworkFix(older, aml)).toBe(aml);
    expect(newerNetworkFix(null, older)).toBe(older);
  });

  it('reads distances and the fix out in words', () => {
    expect([formatDistance(849.6), formatDistance(1234), formatDistance(12_345)]).toEqual([
      '850 m',
      '1.2 km',
      '12 km',
    ]);
    expect(describeNetworkFix(aml)).toBe(
      'Network location (AML, by mobile cell): 51.51000, -0.12000, within 50 m, 68% confidence',
    );
  });
});
