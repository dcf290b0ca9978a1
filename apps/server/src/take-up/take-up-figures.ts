import type {
  FailureReason,
  FeedbackAnswer,
  FeedbackComment,
  ReportPeriod,
  SessionMode,
  TakeUpFigures,
  TakeUpReport,
  TakeUpRow,
} from '@sightline/protocol';

/** What the report needs of one session, read from its record and timeline. */
export interface SessionFacts {
  sentAt: number;
  team: string | null;
  mode: SessionMode;
  delivered: boolean;
  openedAt: number | null;
  consentedAt: number | null;
  refusedAt: number | null;
  liveAt: number | null;
  failures: ReadonlySet<FailureReason>;
}

/** One anonymous answer, as stored. */
export interface FeedbackFacts {
  sentDay: number;
  team: string | null;
  mode: SessionMode;
  language: FeedbackComment['language'];
  answer: FeedbackAnswer;
  text: string | null;
}

const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) that starts the period holding `ms`; weeks start on Monday. */
export function periodOf(ms: number, period: ReportPeriod): string {
  const d = new Date(Math.floor(ms / DAY_MS) * DAY_MS);
  if (period === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (period === 'month') d.setUTCDate(1);
  return d.toISOString().slice(0, 10);
}

/**
 * The q-quantile (0..1) by linear interpolation between closest ranks (R's type 7, numpy's
 * default): the median of [10, 20] is 15. Null for no values.
 */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Figures over a group of sessions and the feedback given for them. */
export function figures(
  sessions: readonly SessionFacts[],
  feedback: readonly FeedbackFacts[],
): TakeUpFigures {
  const toLive = sessions.filter((s) => s.liveAt !== null).map((s) => s.liveAt! - s.sentAt);
  const failures = { inAppBrowser: 0, cameraDenied: 0, noWebrtc: 0, network: 0 };
  for (const s of sessions) for (const r of s.failures) failures[r]++;
  const answers = { yes: 0, no: 0, unsure: 0 };
  for (const f of feedback) answers[f.answer]++;
  const n = (pick: (s: SessionFacts) => unknown) => sessions.filter((s) => pick(s)).length;
  return {
    sent: sessions.length,
    delivered: n((s) => s.delivered),
    opened: n((s) => s.openedAt !== null),
    consented: n((s) => s.consentedAt !== null),
    // The final decision: a caller who refused and then consented counts as consented only.
    refused: n((s) => s.refusedAt !== null && s.consentedAt === null),
    live: n((s) => s.liveAt !== null),
    sendToLiveMedianMs: quantile(toLive, 0.5),
    sendToLiveP90Ms: quantile(toLive, 0.9),
    failures,
    feedback: answers,
  };
}

/** Groups items by a key, keeping first-seen order of keys. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Sorts team names with "no team" (null) last. */
const byTeamName = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a.localeCompare(b);

/**
 * The whole report: rows per period × team × mode, totals per team and per period, and the
 * comments. Feedback is grouped by the day its link was sent, like the sessions.
 */
export function buildReport(
  q: { from: string; to: string; period: ReportPeriod },
  sessions: readonly SessionFacts[],
  feedback: readonly FeedbackFacts[],
): TakeUpReport {
  const sKey = (s: SessionFacts) => JSON.stringify([periodOf(s.sentAt, q.period), s.team, s.mode]);
  const fKey = (f: FeedbackFacts) => JSON.stringify([periodOf(f.sentDay, q.period), f.team, f.mode]);
  const sGroups = groupBy(sessions, sKey);
  const fGroups = groupBy(feedback, fKey);
  const keys = [...new Set([...sGroups.keys(), ...fGroups.keys()])];
  const rows: TakeUpRow[] = keys
    .map((k) => {
      const [period, team, mode] = JSON.parse(k) as [string, string | null, SessionMode];
      return { period, team, mode, ...figures(sGroups.get(k) ?? [], fGroups.get(k) ?? []) };
    })
    .sort(
      (a, b) =>
        a.period.localeCompare(b.period) || byTeamName(a.team, b.team) || a.mode.localeCompare(b.mode),
    );
  const teams = [...new Set([...sessions.map((s) => s.team), ...feedback.map((f) => f.team)])].sort(
    byTeamName,
  );
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  return {
    ...q,
    rows,
    byTeam: teams.map((team) => ({
      team,
      ...figures(
        sessions.filter((s) => s.team === team),
        feedback.filter((f) => f.team === team),
      ),
    })),
    byPeriod: periods.map((period) => ({
      period,
      ...figures(
        sessions.filter((s) => periodOf(s.sentAt, q.period) === period),
        feedback.filter((f) => periodOf(f.sentDay, q.period) === period),
      ),
    })),
    total: figures(sessions, feedback),
    comments: feedback
      .filter((f) => f.text !== null)
      .map((f) => ({
        period: periodOf(f.sentDay, q.period),
        team: f.team,
        mode: f.mode,
        language: f.language,
        answer: f.answer,
        text: f.text!,
      }))
      .sort((a, b) => a.period.localeCompare(b.period) || byTeamName(a.team, b.team)),
  };
}
