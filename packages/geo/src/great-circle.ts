import { DEG } from './ellipsoid.js';

/** Mean Earth radius (IUGG), metres: the sphere the distance and bearing below are on. */
export const EARTH_RADIUS_M = 6_371_000;

interface Point {
  lat: number;
  lon: number;
}

/**
 * Great-circle distance in metres between two WGS84 points (haversine, on a sphere of the
 * mean radius). Off from the ellipsoid by at most about 0.5%: a few metres across a town,
 * which is far inside a phone's accuracy circle.
 */
export function distanceMetres(a: Point, b: Point): number {
  const φ1 = a.lat * DEG;
  const φ2 = b.lat * DEG;
  const Δφ = (b.lat - a.lat) * DEG;
  const Δλ = (b.lon - a.lon) * DEG;
  const h = Math.sin(Δφ / 2) ** 2 + Math.cos(φ1) * Math.cos(φ2) * Math.sin(Δλ / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from `a` to `b`, degrees clockwise from true north in [0, 360). */
export function initialBearing(a: Point, b: Point): number {
  const φ1 = a.lat * DEG;
  const φ2 = b.lat * DEG;
  const Δλ = (b.lon - a.lon) * DEG;
  const y = Math.sin(Δλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ);
  const θ = Math.atan2(y, x) / DEG;
  return (θ + 360) % 360;
}

const POINTS = [
  'N',
  'NNE',
  'NE',
  'ENE',
  'E',
  'ESE',
  'SE',
  'SSE',
  'S',
  'SSW',
  'SW',
  'WSW',
  'W',
  'WNW',
  'NW',
  'NNW',
];
const NAMES: Record<string, string> = {
  N: 'north',
  E: 'east',
  S: 'south',
  W: 'west',
};

/** The nearest of the 16 compass points to a bearing ("NNE"). */
export function compassPoint(bearing: number): string {
  const i = Math.round((((bearing % 360) + 360) % 360) / 22.5) % 16;
  return POINTS[i]!;
}

/** A compass point spelled out for screen readers ("north-north-east"). */
export function compassWords(point: string): string {
  if (point.length === 1) return NAMES[point]!;
  if (point.length === 2) return `${NAMES[point[0]!]}-${NAMES[point[1]!]}`;
  return `${NAMES[point[0]!]}-${NAMES[point[1]!]}-${NAMES[point[2]!]}`;
}
