/** Calendar dates as <input type="date"> gives them ("2025-11-28"), in the officer's local time zone. */

import { shortMonth } from './format.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight at the start of the date, ms; null if it is not a real YYYY-MM-DD date. */
export function startOfLocalDay(iso: string): number | null {
  const m = ISO_DATE.exec(iso.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  // new Date rolls 2025-02-30 over into March; a typed date that rolls over was not a date.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date.getTime();
}

/** The last millisecond of the date (so "to 28 Nov" includes the whole of 28 Nov); null if invalid. */
export function endOfLocalDay(iso: string): number | null {
  const start = startOfLocalDay(iso);
  if (start === null) return null;
  const d = new Date(start);
  // Via the calendar, not +24 h: a day with a clock change is 23 or 25 hours long.
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime() - 1;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "2025-11-28" for a moment, in local time: the value a date input expects. */
export function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** "28 Nov 2025": a date on its own, for retention dates that are years away. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getDate()} ${shortMonth(ms)} ${d.getFullYear()}`;
}
