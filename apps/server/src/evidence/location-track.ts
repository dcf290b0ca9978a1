import type { ReceivedFix } from '@sightline/protocol';

const iso = (ms: number) => new Date(ms).toISOString();

/** The location track as GeoJSON (RFC 7946): the path as a LineString, then every fix as a Point with its metadata. */
export function toGeoJson(sessionId: string, track: ReceivedFix[]) {
  return {
    type: 'FeatureCollection' as const,
    properties: { sessionId, fixes: track.length, crs: 'WGS84 (EPSG:4326), as reported by the device' },
    features: [
      {
        type: 'Feature' as const,
        geometry: { type: 'LineString' as const, coordinates: track.map((f) => [f.lon, f.lat]) },
        properties: {
          kind: 'path',
          from: track[0] ? iso(track[0].fixTime) : null,
          to: track.at(-1) ? iso(track.at(-1)!.fixTime) : null,
        },
      },
      ...track.map((f, i) => ({
        type: 'Feature' as const,
        geometry: {
          type: 'Point' as const,
          coordinates: f.altitude === null ? [f.lon, f.lat] : [f.lon, f.lat, f.altitude],
        },
        properties: {
          kind: 'fix',
          index: i,
          fixTime: iso(f.fixTime),
          receivedAt: iso(f.receivedAt),
          accuracyM: f.accuracy,
          altitudeAccuracyM: f.altitudeAccuracy,
          headingDeg: f.heading,
          speedMps: f.speed,
        },
      })),
    ],
  };
}
