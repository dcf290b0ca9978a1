export type { GridPoint, LatLon } from './bng.js';
export { bngToWgs84, isInGrid, wgs84ToBng } from './bng.js';
export {
  compassPoint,
  compassWords,
  distanceMetres,
  EARTH_RADIUS_M,
  initialBearing,
} from './great-circle.js';
export { formatGridRef, wholeMetres } from './gridref.js';
export { gridToOsgb36, osgb36ToGrid } from './projection.js';
export { TRAFALGAR_SQUARE } from './reference-points.js';
export { simplifyIndices } from './simplify.js';
export { compareFixes, type FixComparison, type UncertainFix } from './uncertainty.js';
