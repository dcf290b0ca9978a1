import type { Check, CheckStatus } from '@sightline/protocol';

/** The page's sections, in the order an officer works them. */
export const SECTIONS: ReadonlyArray<{ key: string; title: string; statuses: CheckStatus[] }> = [
  { key: 'open', title: 'Open now', statuses: ['open'] },
  { key: 'missed', title: 'Missed', statuses: ['missed'] },
  { key: 'upcoming', title: 'Upcoming', statuses: ['upcoming'] },
  { key: 'done', title: 'Done', statuses: ['joined', 'done'] },
  { key: 'cancelled', title: 'Cancelled', statuses: ['cancelled'] },
];

export const STATUS_LABELS: Record<CheckStatus, string> = {
  upcoming: 'Upcoming',
  open: 'Open now',
  joined: 'Subject joined',
  done: 'Result recorded',
  missed: 'Missed',
  cancelled: 'Cancelled',
};

/** One series' checks within a section (a lone check is a series of one). */
export interface SeriesGroup {
  seriesId: string;
  reference: string | null;
  subject: string | null;
  phoneMasked: string;
  officer: string;
  checks: Check[];
}

/** Groups a section's checks by series, earliest window first; order within a series is the window's. */
export function groupBySeries(checks: readonly Check[]): SeriesGroup[] {
  const groups = new Map<string, SeriesGroup>();
  for (const c of [...checks].sort((a, b) => a.notBefore - b.notBefore)) {
    const key = c.seriesId ?? c.sessionId;
    let g = groups.get(key);
    if (!g) {
      g = {
        seriesId: key,
        reference: c.reference,
        subject: c.subject,
        phoneMasked: c.phoneMasked,
        officer: c.createdBy.name,
        checks: [],
      };
      groups.set(key, g);
    }
    g.checks.push(c);
  }
  return [...groups.values()];
}

/** "in 2 h 5 min", "in 45 s", "closes in 12 min": the countdown shown beside a window. */
export function countdown(
  check: Pick<Check, 'notBefore' | 'notAfter' | 'status'>,
  now: number,
): string | null {
  if (check.status === 'upcoming') return `opens in ${span(check.notBefore - now)}`;
  if (check.status === 'open') return `closes in ${span(check.notAfter - now)}`;
  return null;
}

/** The latest opening or closing a listed check has passed since the list was read (its status is stale), or null. */
export function crossedBoundary(
  checks: readonly Pick<Check, 'notBefore' | 'notAfter' | 'status'>[],
  now: number,
): number | null {
  let crossed: number | null = null;
  for (const c of checks) {
    const edge = c.status === 'upcoming' ? c.notBefore : c.status === 'open' ? c.notAfter : null;
    if (edge !== null && edge <= now && (crossed === null || edge > crossed)) crossed = edge;
  }
  return crossed;
}

function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

/** What the schedule form holds, as typed. */
export interface ScheduleFields {
  phone: string;
  reference: string;
  language: string;
  subject: string;
  condition: string;
  conditionDetail: string;
  firstDate: string;
  start: string;
  minutes: string;
  count: string;
  everyDays: string;
}

export type ScheduleErrors = Partial<Record<keyof ScheduleFields | 'form', string>>;

/** Checks the form before it goes; the server checks again (time zone, overlaps, horizon). */
export function validateSchedule(f: ScheduleFields): ScheduleErrors {
  const e: ScheduleErrors = {};
  if (!f.phone.trim()) e.phone = "Enter the subject's mobile number.";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.firstDate)) e.firstDate = 'Choose the date of the first check.';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(f.start)) e.start = 'Enter the opening time as HH:MM.';
  const whole = (v: string, min: number, max: number) => /^\d{1,4}$/.test(v.trim()) && +v >= min && +v <= max;
  if (!whole(f.minutes, 5, 720)) e.minutes = 'Enter 5 to 720 minutes.';
  if (!whole(f.count, 1, 31)) e.count = 'Enter 1 to 31 checks.';
  if (!whole(f.everyDays, 1, 31)) e.everyDays = 'Enter 1 to 31 days.';
  const details = [f.subject, f.conditionDetail].some((v) => v.trim());
  if (details && f.subject.trim().length < 2)
    e.subject = 'Enter the subject’s full name, or leave the details blank.';
  if (details && f.conditionDetail.trim().length < 3)
    e.conditionDetail = 'Say what the condition is (address and hours…).';
  return e;
}
