import { distanceMetres } from './great-circle.js';

/** A position with the radius it is known to within, metres. */
export interface UncertainFix {
  lat: number;
  lon: number;
  radiusM: number;
}

/** How far apart two fixes are, against the uncertainty both radii allow. */
export interface FixComparison {
  distanceM: number;
  /** r_a + r_b: centres closer than this leave some point inside both circles. */
  combinedRadiusM: number;
  /** True when the circles do not touch: the two cannot both be right. */
  disagree: boolean;
}

/**
 * Compares two fixes (network AML against the phone's GPS): they disagree when the distance
 * between their centres exceeds the sum of their radii, so no point lies inside both circles.
 */
export function compareFixes(a: UncertainFix, b: UncertainFix): FixComparison {
  const distanceM = distanceMetres(a, b);
  const combinedRadiusM = a.radiusM + b.radiusM;
  return { distanceM, combinedRadiusM, disagree: distanceM > combinedRadiusM };
}
