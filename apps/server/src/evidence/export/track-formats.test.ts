import type { ReceivedFix } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { toGpx, toKml } from './track-formats.js';

const fix = (lat: number, lon: number, t: number): ReceivedFix => ({
  lat,
  lon,
  accuracy: 8,
  altitude: t === 0 ? 12.5 : null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime: Date.UTC(2026, 10, 28, 10, 0, t),
  receivedAt: Date.UTC(2026, 10, 28, 10, 0, t),
});

describe('track formats', () => {
  const track = [fix(51.50809, -0.12859, 0), fix(51.5082, -0.1287, 1)];

  it('writes GPX with one point per fix, in order, with times', () => {
    const gpx = toGpx('CAD 1 <test>', track);
    expect(gpx).toContain(
      '<trkpt lat="51.50809" lon="-0.12859"><ele>12.5</ele><time>2026-11-28T10:00:00.000Z</time>',
    );
    expect(gpx.match(/<trkpt /g)).toHaveLength(2);
    expect(gpx).toContain('CAD 1 &lt;test&gt;');
  });

  it('writes KML coordinates as lon,lat', () => {
    const kml = toKml('x', track);
    expect(kml).toContain('<coordinates>-0.12859,51.50809,12.5 -0.1287,51.5082</coordinates>');
    expect(kml.match(/<Placemark>/g)).toHaveLength(3);
  });
});
