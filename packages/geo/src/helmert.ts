import type { Cartesian } from './ellipsoid.js';

export interface HelmertParams {
  /** Translations, metres. */
  tx: number;
  ty: number;
  tz: number;
  /** Scale change, parts per million. */
  s: number;
  /** Rotations, arc-seconds. */
  rx: number;
  ry: number;
  rz: number;
}

// OS guide, "Approximate WGS84 to OSGB36/ODN transformation": good to about 3.5 m (95%)
// horizontally. The exact transformation is OSTN15, a 1 km grid of shifts (megabytes of data)
// that we deliberately do not ship: a few metres is ample for showing a caller's position.
export const ETRS89_TO_OSGB36: HelmertParams = {
  tx: -446.448,
  ty: 125.157,
  tz: -542.06,
  s: 20.4894,
  rx: -0.1502,
  ry: -0.247,
  rz: -0.8421,
};

const ARCSEC = Math.PI / (180 * 3600);

type Matrix3 = [[number, number, number], [number, number, number], [number, number, number]];

// The OS equation (3) matrix: small-angle rotations with the scale on the diagonal.
function matrix(p: HelmertParams): Matrix3 {
  const s = 1 + p.s * 1e-6;
  const rx = p.rx * ARCSEC;
  const ry = p.ry * ARCSEC;
  const rz = p.rz * ARCSEC;
  return [
    [s, -rz, ry],
    [rz, s, -rx],
    [-ry, rx, s],
  ];
}

function multiply(m: Matrix3, v: Cartesian): Cartesian {
  return {
    x: m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z,
    y: m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
    z: m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z,
  };
}

/** Applies a 7-parameter Helmert transformation (OS guide equation (3)). */
export function helmert(c: Cartesian, p: HelmertParams): Cartesian {
  const r = multiply(matrix(p), c);
  return { x: p.tx + r.x, y: p.ty + r.y, z: p.tz + r.z };
}

/** Exactly undoes `helmert` (to floating-point precision) rather than approximately. */
export function helmertInverse(c: Cartesian, p: HelmertParams): Cartesian {
  // The OS shortcut of negating the parameters is only first-order; solving the 3×3
  // system costs nothing and keeps bngToWgs84 a true inverse of the datum step.
  const [[a, b, cc], [d, e, f], [g, h, i]] = matrix(p);
  const det = a * (e * i - f * h) - b * (d * i - f * g) + cc * (d * h - e * g);
  const inv: Matrix3 = [
    [(e * i - f * h) / det, (cc * h - b * i) / det, (b * f - cc * e) / det],
    [(f * g - d * i) / det, (a * i - cc * g) / det, (cc * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
  return multiply(inv, { x: c.x - p.tx, y: c.y - p.ty, z: c.z - p.tz });
}
