import type { ReportPeriod, SessionMode, TakeUpFigures, TakeUpQuery } from '@sightline/protocol';

const DAY_MS = 86_400_000;
/** protocol's TAKE_UP_MAX_DAYS (not imported: the console reads protocol types only, never zod). */
const MAX_DAYS = 400;

export const PERIOD_LABELS: Record<ReportPeriod, string> = { day: 'Day', week: 'Week', month: 'Month' };
export const MODE_LABELS: Record<SessionMode, string> = {
  video: 'Video',
  location: 'Location only',
  'two-way': 'Two-way video',
};

/** The steps from text to live, in order: the funnel's bars. */
export const FUNNEL: ReadonlyArray<{
  key: 'sent' | 'delivered' | 'opened' | 'consented' | 'live';
  label: string;
}> = [
  { key: 'sent', label: 'Sent' },
  { key: 'delivered', label: 'Delivered' },
  { key: 'opened', label: 'Opened' },
  { key: 'consented', label: 'Consented' },
  { key: 'live', label: 'Live' },
];

export const FAILURE_LABELS: Record<keyof TakeUpFigures['failures'], string> = {
  inAppBrowser: 'In-app browser',
  cameraDenied: 'Camera refused',
  noWebrtc: 'No WebRTC',
  network: 'Network (video stopped)',
};

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last twelve weeks, Monday to today (UTC), by week. */
export function defaultQuery(now: number): TakeUpQuery {
  const today = new Date(Math.floor(now / DAY_MS) * DAY_MS);
  const monday = today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY_MS;
  return { from: day(monday - 11 * 7 * DAY_MS), to: day(now), period: 'week' };
}

/** The server's TakeUpQuery rules, with messages for the form; null when the range is fine. */
export function rangeError(q: TakeUpQuery): string | null {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return 'Enter both dates.';
  if (from > to) return 'The start date must not be after the end date.';
  if (to - from >= MAX_DAYS * DAY_MS) return `Choose at most ${MAX_DAYS} days.`;
  return null;
}

/** "75%" of a whole, or "–" when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '–';
}

/** A send-to-live time as people say it: "45 s", "3 min 30 s", "1 h 5 min"; "–" for none. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${Math.floor(m / 60)} h`;
}

/** The CSV export's address for the same query (a plain link: the browser sends the cookie). */
export function csvHref(q: TakeUpQuery): string {
  return `/api/reports/take-up.csv?${new URLSearchParams({ from: q.from, to: q.to, period: q.period })}`;
}

export const teamName = (team: string | null) => team ?? 'No team';

/** Bars of the funnel for one group, each as a fraction (0–1) of the links sent. */
export function funnelBars(f: TakeUpFigures): Array<{ label: string; value: number; fraction: number }> {
  return FUNNEL.map(({ key, label }) => ({
    label,
    value: f[key],
    fraction: f.sent > 0 ? f[key] / f.sent : 0,
  }));
}

/** At most this many bars in the trend chart, so each stays wide enough to read (560 px wide). */
export const TREND_BARS = 12;

/**
 * The trend chart's bars: one per period, or, over a long range (a year by day), consecutive
 * periods summed so there are at most TREND_BARS; each labelled by its first period (MM-DD).
 */
export function trendBars(
  periods: ReadonlyArray<{ period: string; sent: number; live: number }>,
  most = TREND_BARS,
): Array<{ label: string; periods: number; sent: number; live: number }> {
  const size = Math.max(1, Math.ceil(periods.length / most));
  const bars = [];
  for (let i = 0; i < periods.length; i += size) {
    const group = periods.slice(i, i + size);
    bars.push({
      label: group[0]!.period.slice(5),
      periods: group.length,
      sent: group.reduce((n, p) => n + p.sent, 0),
      live: group.reduce((n, p) => n + p.live, 0),
    });
  }
  return bars;
}

/** The trend chart's scale: a round maximum at or above the largest count, never 0. */
export function niceMax(values: readonly number[]): number {
  const max = Math.max(1, ...values);
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}
