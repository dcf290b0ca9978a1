import { isInGrid } from './bng.js';

// 'I' is skipped so the 25 letters fill a 5 × 5 block.
const LETTERS = 'ABCDEFGHJKLMNOPQRSTUVWXYZ';

// Letters of the 100 km square containing (e100k, n100k), counted from SV at the false origin.
function squareLetters(e100k: number, n100k: number): string {
  // First letter: 500 km square, in a 5 × 5 block whose 'S' holds the false origin.
  const first = 19 - n100k - ((19 - n100k) % 5) + Math.floor((e100k + 10) / 5);
  // Second letter: 100 km square within that 500 km square, 'A' at its north-west corner.
  const second = (((19 - n100k) * 5) % 25) + (e100k % 5);
  return `${LETTERS.charAt(first)}${LETTERS.charAt(second)}`;
}

/**
 * Whole metres of a National Grid coordinate, truncated as grid references are (the south-west
 * corner of the 1 m square). Show eastings and northings with this, never `Math.round`, or the
 * number beside a 10-figure reference can disagree with it by a metre.
 */
export function wholeMetres(metres: number): number {
  return Math.floor(metres);
}

/** Formats National Grid metres as a lettered reference, e.g. "TQ 30012 80452"; throws RangeError off-grid. */
export function formatGridRef(easting: number, northing: number, digits = 10): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 10 || digits % 2 !== 0) {
    throw new RangeError(`digits must be an even number from 0 to 10, got ${digits}`);
  }
  if (!isInGrid(easting, northing)) {
    throw new RangeError(`(${easting}, ${northing}) is outside the National Grid`);
  }
  const e = wholeMetres(easting);
  const n = wholeMetres(northing);
  const letters = squareLetters(Math.floor(e / 100000), Math.floor(n / 100000));
  if (digits === 0) return letters;
  // OS references truncate rather than round: they name the square's south-west corner,
  // so the position is always inside the square the reference names.
  const half = digits / 2;
  const scale = 10 ** (5 - half);
  const pad = (v: number): string => String(Math.floor((v % 100000) / scale)).padStart(half, '0');
  return `${letters} ${pad(e)} ${pad(n)}`;
}
