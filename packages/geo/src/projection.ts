// Transverse Mercator on Airy 1830 with the National Grid constants, using the series of
// the OS guide Annex C. Within the grid area these agree with the OS worked example to the
// millimetre, which is why we use them rather than a generic (e.g. Krüger) formulation.

import { AIRY_1830, DEG } from './ellipsoid.js';

const { a, b, e2 } = AIRY_1830;
const F0 = 0.9996012717;
const LAT0 = 49 * DEG;
const LON0 = -2 * DEG;
const E0 = 400000;
const N0 = -100000;
const n = (a - b) / (a + b);
const n2 = n * n;
const n3 = n2 * n;

// Meridional arc from the true origin's latitude, scaled by F0 (OS equation C3).
function meridionalArc(lat: number): number {
  const dLat = lat - LAT0;
  const sLat = lat + LAT0;
  return (
    b *
    F0 *
    ((1 + n + (5 / 4) * n2 + (5 / 4) * n3) * dLat -
      (3 * n + 3 * n2 + (21 / 8) * n3) * Math.sin(dLat) * Math.cos(sLat) +
      ((15 / 8) * n2 + (15 / 8) * n3) * Math.sin(2 * dLat) * Math.cos(2 * sLat) -
      (35 / 24) * n3 * Math.sin(3 * dLat) * Math.cos(3 * sLat))
  );
}

function radii(lat: number): { nu: number; rho: number; eta2: number } {
  const sin2 = Math.sin(lat) ** 2;
  const nu = (a * F0) / Math.sqrt(1 - e2 * sin2);
  const rho = (a * F0 * (1 - e2)) / (1 - e2 * sin2) ** 1.5;
  return { nu, rho, eta2: nu / rho - 1 };
}

/** Projects OSGB36 latitude/longitude (degrees) to National Grid easting/northing (OS Annex C.1). */
export function osgb36ToGrid(latDeg: number, lonDeg: number): { easting: number; northing: number } {
  const lat = latDeg * DEG;
  const dLon = lonDeg * DEG - LON0;
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const tan2 = Math.tan(lat) ** 2;
  const tan4 = tan2 * tan2;
  const { nu, rho, eta2 } = radii(lat);

  const I = meridionalArc(lat) + N0;
  const II = (nu / 2) * sinLat * cosLat;
  const III = (nu / 24) * sinLat * cosLat ** 3 * (5 - tan2 + 9 * eta2);
  const IIIA = (nu / 720) * sinLat * cosLat ** 5 * (61 - 58 * tan2 + tan4);
  const IV = nu * cosLat;
  const V = (nu / 6) * cosLat ** 3 * (nu / rho - tan2);
  const VI = (nu / 120) * cosLat ** 5 * (5 - 18 * tan2 + tan4 + 14 * eta2 - 58 * tan2 * eta2);

  return {
    easting: E0 + IV * dLon + V * dLon ** 3 + VI * dLon ** 5,
    northing: I + II * dLon ** 2 + III * dLon ** 4 + IIIA * dLon ** 6,
  };
}

/** Inverse of `osgb36ToGrid`: National Grid easting/northing to OSGB36 latitude/longitude in degrees (OS Annex C.2). */
export function gridToOsgb36(easting: number, northing: number): { lat: number; lon: number } {
  // The OS stopping rule is |N − N0 − M| < 0.01 mm; the cap only guards against a NaN loop.
  let lat = (northing - N0) / (a * F0) + LAT0;
  let m = meridionalArc(lat);
  for (let i = 0; i < 50 && Math.abs(northing - N0 - m) >= 1e-5; i++) {
    lat += (northing - N0 - m) / (a * F0);
    m = meridionalArc(lat);
  }

  const { nu, rho, eta2 } = radii(lat);
  const tan = Math.tan(lat);
  const tan2 = tan * tan;
  const tan4 = tan2 * tan2;
  const tan6 = tan4 * tan2;
  const sec = 1 / Math.cos(lat);
  const dE = easting - E0;

  const VII = tan / (2 * rho * nu);
  const VIII = (tan / (24 * rho * nu ** 3)) * (5 + 3 * tan2 + eta2 - 9 * tan2 * eta2);
  const IX = (tan / (720 * rho * nu ** 5)) * (61 + 90 * tan2 + 45 * tan4);
  const X = sec / nu;
  const XI = (sec / (6 * nu ** 3)) * (nu / rho + 2 * tan2);
  const XII = (sec / (120 * nu ** 5)) * (5 + 28 * tan2 + 24 * tan4);
  const XIIA = (sec / (5040 * nu ** 7)) * (61 + 662 * tan2 + 1320 * tan4 + 720 * tan6);

  return {
    lat: (lat - VII * dE ** 2 + VIII * dE ** 4 - IX * dE ** 6) / DEG,
    lon: (LON0 + X * dE - XI * dE ** 3 + XII * dE ** 5 - XIIA * dE ** 7) / DEG,
  };
}
