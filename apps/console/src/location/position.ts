import { formatGridRef, wgs84ToBng, wholeMetres } from '@sightline/geo';
import type { LocationFix } from '@sightline/protocol';
import { formatAge } from '../lib/format.js';

/** A fix as the position panel shows it; every value already a display string. */
export interface PositionText {
  lat: string;
  lon: string;
  /**
   * Whole metres, no separators, so it can be read out or typed into another system as is;
   * truncated like the grid reference, so the two always agree.
   */
  easting: string | null;
  northing: string | null;
  /** 10-figure OS reference, e.g. "TQ 30012 80452"; null outside the grid. */
  gridRef: string | null;
  accuracy: string;
  altitude: string | null;
  speed: string | null;
  heading: string | null;
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/** Formats a fix for display, including its British National Grid position when it has one. */
export function describeFix(fix: LocationFix): PositionText {
  const grid = wgs84ToBng(fix.lat, fix.lon);
  let gridRef: string | null = null;
  if (grid) {
    try {
      gridRef = formatGridRef(grid.easting, grid.northing, 10);
    } catch {
      // On the grid's very edge rounding can leave it; the easting/northing still stand.
      gridRef = null;
    }
  }
  return {
    lat: fix.lat.toFixed(6),
    lon: fix.lon.toFixed(6),
    easting: grid ? String(wholeMetres(grid.easting)) : null,
    northing: grid ? String(wholeMetres(grid.northing)) : null,
    gridRef,
    accuracy: `${Math.round(fix.accuracy)} m`,
    altitude: fix.altitude === null ? null : `${Math.round(fix.altitude)} m`,
    // UK roads are signed in mph; officers relay speed in mph.
    speed:
      fix.speed === null ? null : `${fix.speed.toFixed(1)} m/s (${Math.round(fix.speed * 2.236936)} mph)`,
    heading:
      fix.heading === null
        ? null
        : `${Math.round(fix.heading) % 360}° ${COMPASS[Math.round(fix.heading / 45) % 8] ?? 'N'}`,
  };
}

export type FixAgeLevel = 'fresh' | 'stale' | 'old';

/** Older than this, the position may no longer be where the caller is (shown amber). */
export const STALE_AFTER_S = 10;
/** Older than this, treat the position as lost (shown red). */
export const OLD_AFTER_S = 30;

/** How worried to be about a fix of this age, judged on the whole seconds shown. */
export function fixAgeLevel(ageMs: number): FixAgeLevel {
  const s = Math.floor(Math.max(0, ageMs) / 1000);
  if (s > OLD_AFTER_S) return 'old';
  if (s > STALE_AFTER_S) return 'stale';
  return 'fresh';
}

/** "last fix 4 s ago" */
export function fixAgeText(ageMs: number): string {
  return `last fix ${formatAge(ageMs)} ago`;
}
