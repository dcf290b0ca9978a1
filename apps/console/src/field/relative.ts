import { compassPoint, compassWords, distanceMetres, initialBearing } from '@sightline/geo';

/** Where the caller is from the officer: straight-line distance and the bearing to drive towards. */
export interface Relative {
  metres: number;
  bearing: number;
  /** "NNE" */
  point: string;
  /** "north-north-east", for screen readers */
  words: string;
}

/** The caller relative to the officer, or null until both positions are known. */
export function relative(
  own: { lat: number; lon: number } | null,
  caller: { lat: number; lon: number } | null,
): Relative | null {
  if (!own || !caller) return null;
  const bearing = initialBearing(own, caller);
  const point = compassPoint(bearing);
  return { metres: distanceMetres(own, caller), bearing, point, words: compassWords(point) };
}

/** "40 m", "850 m", "1.2 km", "23 km": as precise as a glance in a moving car needs. */
export function formatDistance(metres: number): string {
  if (metres < 100) return `${Math.round(metres)} m`;
  if (metres < 1000) return `${Math.round(metres / 10) * 10} m`;
  if (metres < 10_000) return `${(metres / 1000).toFixed(1)} km`;
  return `${Math.round(metres / 1000)} km`;
}

/** "in 14 min", "in 1 h 05 min", "expired": how long a share has left. */
export function formatRemaining(ms: number): string {
  if (ms <= 0) return 'expired';
  const mins = Math.ceil(ms / 60_000);
  if (mins < 60) return `${mins} min`;
  return `${Math.floor(mins / 60)} h ${String(mins % 60).padStart(2, '0')} min`;
}
