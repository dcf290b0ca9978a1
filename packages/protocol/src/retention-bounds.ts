// Bounds on the inputs a retention date is computed from. A date that is wrong by a unit (seconds
// for milliseconds) or by a typo (year 0000) would schedule evidence for disposal at once; so the
// zod schema and the server's RetentionService both apply these checks (defence in depth).

const DAY = 86_400_000;

/** Earliest clear-period start accepted: 1990-01-01 (ms). Nothing Sightline records is older. */
export const CLEAR_PERIOD_START_MIN = Date.UTC(1990, 0, 1);
/** A clear-period start may be at most this far in the future (clock skew between client and server). */
export const CLEAR_PERIOD_START_MAX_AHEAD = DAY;
/** Earliest date of birth accepted. */
export const DATE_OF_BIRTH_MIN = '1900-01-01';
/** The latest instant a JavaScript Date (and so an ISO timestamp) can represent. */
export const MAX_DATE_MS = 8.64e15;

/**
 * Why a clear-period start (milliseconds since the epoch) is unacceptable, or null when it is fine.
 * A value that would be a sane time if read as seconds is refused by name, never silently scaled.
 */
export function clearPeriodStartProblem(value: number, now: number): string | null {
  const max = now + CLEAR_PERIOD_START_MAX_AHEAD;
  if (!Number.isSafeInteger(value)) return 'must be a whole number of milliseconds since 1970-01-01 UTC';
  if (value < CLEAR_PERIOD_START_MIN && value * 1000 >= CLEAR_PERIOD_START_MIN && value * 1000 <= max)
    return `${value} looks like seconds since the epoch; send milliseconds (${value * 1000})`;
  if (value < CLEAR_PERIOD_START_MIN) return 'must be milliseconds since the epoch, on or after 1990-01-01';
  if (value > max) return 'must not be in the future';
  return null;
}

/** Why a date of birth (YYYY-MM-DD) is unacceptable, or null when it is a real, past date after 1900. */
export function dateOfBirthProblem(value: string, now: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return 'must be a date as YYYY-MM-DD';
  // Before the round trip: Date.UTC reads years 0-99 as 1900-1999.
  if (value < DATE_OF_BIRTH_MIN) return `must be on or after ${DATE_OF_BIRTH_MIN}`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2023-02-30 over to 2023-03-02: a real date survives the round trip.
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return `${value} is not a real calendar date`;
  if (t > now) return 'must be in the past';
  return null;
}
