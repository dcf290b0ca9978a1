/**
 * Display formatting shared by every page. Dates and times are British English (en-GB) whatever
 * the browser's own locale: "28 Nov 2025", day before month, 24-hour clock, in the officer's
 * local time. Nothing here uses the browser's default locale.
 */

const pad2 = (n: number): string => String(n).padStart(2, '0');
const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short' });

/** "Nov": the en-GB short month name. */
export function shortMonth(ms: number): string {
  return MONTH.format(ms);
}

/** "14:03" */
export function formatHm(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** "14:03:27" */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${formatHm(ms)}:${pad2(d.getSeconds())}`;
}

/** "14:03:27" today, "28 Nov 14:03" on another day: staff scan today's list far more often than history. */
export function formatWhen(ms: number, now: number): string {
  const d = new Date(ms);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return formatTime(ms);
  return `${d.getDate()} ${shortMonth(ms)} ${formatHm(ms)}`;
}

/** "14:03" today, "14:03 tomorrow", else "14:03 on 28 Nov": a time ahead that may cross midnight. */
export function formatClock(ms: number, now: number): string {
  const d = new Date(ms);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return formatHm(ms);
  const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
  if (d.toDateString() === tomorrow.toDateString()) return `${formatHm(ms)} tomorrow`;
  return `${formatHm(ms)} on ${d.getDate()} ${shortMonth(ms)}`;
}

/** "28 Nov 2025 14:03:27" for audit tables and records, where the date always matters. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getDate()} ${shortMonth(ms)} ${d.getFullYear()} ${formatTime(ms)}`;
}

/** "12 s", "4 min 05 s", "2 h 13 min": an age or elapsed time. Negative input (clock skew) reads as 0 s. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${pad2(s % 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${pad2(m % 60)} min`;
}

/** "1:05" or "1:02:05" for media durations. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${m}:${pad2(s)}`;
}

/** "1.4 MB": binary multiples, one decimal above a kilobyte. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** "1.2 Mbit/s" / "850 kbit/s" for a bitrate in bits per second. */
export function formatBitrate(bps: number): string {
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(1)} Mbit/s`;
  return `${Math.round(bps / 1000)} kbit/s`;
}
