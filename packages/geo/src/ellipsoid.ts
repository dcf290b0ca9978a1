// Ellipsoids and the geodetic <-> Earth-centred Cartesian conversions of the OS guide
// "A guide to coordinate systems in Great Britain", Annexes A and B.

export interface Ellipsoid {
  /** Semi-major axis, metres. */
  readonly a: number;
  /** Semi-minor axis, metres. */
  readonly b: number;
  /** Eccentricity squared, (a² − b²) / a². */
  readonly e2: number;
}

function ellipsoid(a: number, b: number): Ellipsoid {
  return { a, b, e2: (a * a - b * b) / (a * a) };
}

// The OSGB36 datum, and so every National Grid coordinate, is defined on Airy 1830.
export const AIRY_1830: Ellipsoid = ellipsoid(6377563.396, 6356256.909);

// ETRS89 uses GRS80; WGS84's b differs by 0.1 mm, which the OS guide treats as the same.
export const GRS80: Ellipsoid = ellipsoid(6378137.0, 6356752.3141);

export interface Cartesian {
  x: number;
  y: number;
  z: number;
}

export const DEG = Math.PI / 180;

/** Converts geodetic latitude/longitude (radians) and ellipsoid height to ECEF x, y, z (OS Annex B.1). */
export function toCartesian(lat: number, lon: number, height: number, ell: Ellipsoid): Cartesian {
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const nu = ell.a / Math.sqrt(1 - ell.e2 * sinLat * sinLat);
  return {
    x: (nu + height) * cosLat * Math.cos(lon),
    y: (nu + height) * cosLat * Math.sin(lon),
    z: ((1 - ell.e2) * nu + height) * sinLat,
  };
}

/** Converts ECEF x, y, z to geodetic latitude/longitude (radians) and ellipsoid height (OS Annex B.2). */
export function fromCartesian(c: Cartesian, ell: Ellipsoid): { lat: number; lon: number; height: number } {
  const p = Math.hypot(c.x, c.y);
  const lon = Math.atan2(c.y, c.x);
  let lat = Math.atan2(c.z, p * (1 - ell.e2));
  let nu = ell.a;
  // Converges to well below 1e-12 rad in 3-4 rounds; the cap only guards against a NaN loop.
  for (let i = 0; i < 20; i++) {
    const sinLat = Math.sin(lat);
    nu = ell.a / Math.sqrt(1 - ell.e2 * sinLat * sinLat);
    const next = Math.atan2(c.z + ell.e2 * nu * sinLat, p);
    const done = Math.abs(next - lat) < 1e-12;
    lat = next;
    if (done) break;
  }
  const sinLat = Math.sin(lat);
  nu = ell.a / Math.sqrt(1 - ell.e2 * sinLat * sinLat);
  return { lat, lon, height: p / Math.cos(lat) - nu };
}
