import { CHECK_HORIZON_DAYS, type CheckRepeat, type CheckWindow } from '@sightline/protocol';
import { DomainError } from '../lib/errors.js';

const DAY_MS = 86_400_000;

/**
 * The UTC instant at which a wall clock in `timeZone` shows this date and time. Across a clock
 * change the same wall time is a different UTC time (21:00 in London is 21:00Z in winter, 20:00Z in
 * summer). A time that does not exist (the hour skipped in spring) is read as the hour after.
 */
export function zonedTime(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Two passes: the offset at the first guess may differ from the offset at the answer.
  let utc = wall - offsetAt(wall, timeZone);
  utc = wall - offsetAt(utc, timeZone);
  return utc;
}

/** The zone's offset from UTC (ms) at an instant, from the platform's time-zone data. */
function offsetAt(utc: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utc));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(utc / 1000) * 1000;
}

/** The windows of a repeat rule: the same local opening time every `everyDays` days. */
export function expandRepeat(rule: CheckRepeat, defaultZone: string): CheckWindow[] {
  const zone = rule.timeZone ?? defaultZone;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    throw new DomainError('bad_request', `unknown time zone ${zone}`, {
      'repeat.timeZone': 'unknown time zone',
    });
  }
  const [y, m, d] = rule.firstDate.split('-').map(Number) as [number, number, number];
  const windows: CheckWindow[] = [];
  for (let i = 0; i < rule.count; i++) {
    // Calendar days counted in UTC noon steps: never shifted by a clock change.
    const day = new Date(Date.UTC(y, m - 1, d, 12) + i * (rule.everyDays ?? 1) * DAY_MS);
    const notBefore = zonedTime(day.toISOString().slice(0, 10), rule.start, zone);
    windows.push({ notBefore, notAfter: notBefore + rule.minutes * 60_000 });
  }
  return windows;
}

/** Refuses windows in the past, too far ahead or overlapping each other; returns them in order. */
export function checkWindows(windows: CheckWindow[], now: number): CheckWindow[] {
  const sorted = [...windows].sort((a, b) => a.notBefore - b.notBefore);
  const last = now + CHECK_HORIZON_DAYS * DAY_MS;
  sorted.forEach((w, i) => {
    if (w.notAfter <= now)
      throw new DomainError('bad_request', 'a check window has already closed', { windows: 'in the past' });
    if (w.notBefore > last)
      throw new DomainError('bad_request', `checks are scheduled at most ${CHECK_HORIZON_DAYS} days ahead`, {
        windows: 'too far ahead',
      });
    if (w.notAfter - w.notBefore > DAY_MS)
      throw new DomainError('bad_request', 'a check window lasts at most 24 hours', { windows: 'too long' });
    const prev = sorted[i - 1];
    if (prev && w.notBefore < prev.notAfter)
      throw new DomainError('bad_request', 'check windows overlap', { windows: 'overlapping' });
  });
  return sorted;
}
