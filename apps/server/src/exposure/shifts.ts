/**
 * Shifts: the day is cut at local start times in one time zone (07:00 and 19:00 in
 * Europe/London by default, for twelve-hour shifts; "00:00" makes a shift a calendar day).
 * Local times, not UTC: a shift that starts at 07:00 starts at 07:00 in summer and winter,
 * so across a clock change one shift is an hour shorter or longer, as the rota is.
 */
export interface ShiftPlan {
  /** Minutes after local midnight, ascending, at least one. */
  starts: readonly number[];
  timeZone: string;
}

export interface Shift {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of instant `t` in `timeZone`. */
function localParts(t: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** How far `timeZone` is ahead of UTC at instant `t`, in ms (Europe/London: 0 or 3,600,000). */
function offsetAt(t: number, timeZone: string): number {
  const p = localParts(t, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant a local date and time happens in `timeZone` (a time skipped by a clock change moves forward). */
export function localToInstant(
  year: number,
  month: number,
  day: number,
  minuteOfDay: number,
  timeZone: string,
): number {
  const naive = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  // Two passes: the offset at the guess, then at the corrected instant (they differ only near a change).
  const first = naive - offsetAt(naive, timeZone);
  return naive - offsetAt(first, timeZone);
}

/** The shift instant `t` falls in. */
export function shiftOf(t: number, plan: ShiftPlan): Shift {
  const starts: number[] = [];
  // Yesterday, today and tomorrow (local) hold the shift's start and the next one's.
  for (const dayShift of [-1, 0, 1]) {
    const p = localParts(t + dayShift * DAY_MS, plan.timeZone);
    for (const m of plan.starts) starts.push(localToInstant(p.year, p.month, p.day, m, plan.timeZone));
  }
  starts.sort((a, b) => a - b);
  let start = starts[0]!;
  let end = starts[starts.length - 1]!;
  for (let i = 0; i < starts.length; i++) {
    if (starts[i]! <= t) start = starts[i]!;
    else {
      end = starts[i]!;
      break;
    }
  }
  return { start, end };
}

/** "07:00" for 420. */
export function formatStart(minuteOfDay: number): string {
  const h = Math.floor(minuteOfDay / 60);
  const m = minuteOfDay % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
