import { AIRY_1830, DEG, fromCartesian, GRS80, toCartesian } from './ellipsoid.js';
import { ETRS89_TO_OSGB36, helmert, helmertInverse } from './helmert.js';
import { gridToOsgb36, osgb36ToGrid } from './projection.js';

export interface GridPoint {
  easting: number;
  northing: number;
}

export interface LatLon {
  lat: number;
  lon: number;
}

// The lettered 100 km squares run from SV at (0, 0) to JM at the top right; beyond them a
// grid reference cannot be written. The box is not a coastline: parts of Ireland and the French
// coast near Calais fall inside it and get (meaningless but well-formed) coordinates.
const MAX_EASTING = 700000;
const MAX_NORTHING = 1300000;

// The corners of the box above lie within lat 49.7..61.6, lon -9.5..3.7 (WGS84). Rejecting
// anything further out first stops the Annex C series, which diverge far from the central
// meridian, from folding a distant point back into the box.
const LAT_MIN = 49;
const LAT_MAX = 62;
const LON_MIN = -10;
const LON_MAX = 4;

/** True when (easting, northing) lies in the lettered National Grid area. */
export function isInGrid(easting: number, northing: number): boolean {
  return (
    Number.isFinite(easting) &&
    Number.isFinite(northing) &&
    easting >= 0 &&
    easting < MAX_EASTING &&
    northing >= 0 &&
    northing < MAX_NORTHING
  );
}

/** Converts a GPS (WGS84, taken as ETRS89) position to National Grid metres via the OS Helmert fit (±~5 m); null outside the grid. */
export function wgs84ToBng(lat: number, lon: number): GridPoint | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (lat < LAT_MIN || lat > LAT_MAX || lon < LON_MIN || lon > LON_MAX) return null;
  // Height is taken as 0: phone altitudes are unreliable, and even 1000 m of height moves the
  // result by only ~2 cm.
  const osgb = fromCartesian(
    helmert(toCartesian(lat * DEG, lon * DEG, 0, GRS80), ETRS89_TO_OSGB36),
    AIRY_1830,
  );
  const grid = osgb36ToGrid(osgb.lat / DEG, osgb.lon / DEG);
  return isInGrid(grid.easting, grid.northing) ? grid : null;
}

/** Inverse of `wgs84ToBng` (same Helmert accuracy against OSTN15); null outside the grid. */
export function bngToWgs84(easting: number, northing: number): LatLon | null {
  if (!isInGrid(easting, northing)) return null;
  const osgb = gridToOsgb36(easting, northing);
  const etrs = fromCartesian(
    helmertInverse(toCartesian(osgb.lat * DEG, osgb.lon * DEG, 0, AIRY_1830), ETRS89_TO_OSGB36),
    GRS80,
  );
  return { lat: etrs.lat / DEG, lon: etrs.lon / DEG };
}
