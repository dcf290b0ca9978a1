import { z } from 'zod';
import { Language, SessionMode } from './common.js';

/**
 * Take-up and feedback (issue 13): the caller's anonymous answer after a session, what the
 * caller's page reports about a browser that cannot take part, and the supervisors' report.
 */

export const FeedbackAnswer = z.enum(['yes', 'no', 'unsure']);
export type FeedbackAnswer = z.infer<typeof FeedbackAnswer>;
export const FEEDBACK_TEXT_MAX = 500;

/** POST /api/join/feedback, from the caller's page after the session ended; once per link. */
export const CallerFeedbackRequest = z.object({
  answer: FeedbackAnswer,
  text: z.string().trim().max(FEEDBACK_TEXT_MAX).optional(),
});
export type CallerFeedbackRequest = z.infer<typeof CallerFeedbackRequest>;
export const CallerFeedbackResult = z.object({ ok: z.literal(true) });

/**
 * The apps whose built-in browser the caller's page recognises (apps/join env.ts). An enum, not
 * free text: the name is written into the session's evidential timeline.
 */
export const InAppBrowser = z.enum([
  'Facebook',
  'Instagram',
  'LINE',
  'Snapchat',
  'TikTok',
  'LinkedIn',
  'WeChat',
  'X',
]);
export type InAppBrowser = z.infer<typeof InAppBrowser>;

/**
 * POST /api/join/environment: the caller's page says, with the link's token and without
 * claiming the link, that this browser is an app's built-in one or has no WebRTC. Sent before
 * the link is claimed, because a caller stuck in an in-app browser often never claims it.
 */
export const CallerEnvironmentReport = z.object({
  token: z.string().min(16).max(128),
  /** The app whose built-in browser this is; null: a normal browser. */
  inAppBrowser: InAppBrowser.nullable(),
  webrtc: z.boolean(),
});
export type CallerEnvironmentReport = z.infer<typeof CallerEnvironmentReport>;

/** A team name as an admin sets it on an officer; null clears it. */
export const TeamName = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');
export const SetTeamRequest = z.object({
  team: TeamName.nullable(),
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(200),
});
export type SetTeamRequest = z.infer<typeof SetTeamRequest>;

export const ReportPeriod = z.enum(['day', 'week', 'month']);
export type ReportPeriod = z.infer<typeof ReportPeriod>;
const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
/** The longest range one report covers. */
export const TAKE_UP_MAX_DAYS = 400;

/** GET /api/reports/take-up (and .csv): links sent from `from` to `to` (UTC days, both included). */
export const TakeUpQuery = z
  .object({ from: IsoDay, to: IsoDay, period: ReportPeriod.default('week') })
  .refine((q) => !Number.isNaN(Date.parse(q.from)) && !Number.isNaN(Date.parse(q.to)), {
    message: 'not a date',
    path: ['from'],
  })
  .refine((q) => q.from <= q.to, { message: 'must not be after "to"', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) < TAKE_UP_MAX_DAYS * 86_400_000, {
    message: `at most ${TAKE_UP_MAX_DAYS} days`,
    path: ['to'],
  });
export type TakeUpQuery = z.infer<typeof TakeUpQuery>;

/** Why a caller could not take part, as the page or server recorded it on the session's timeline. */
export const FailureReason = z.enum(['inAppBrowser', 'cameraDenied', 'noWebrtc', 'network']);
export type FailureReason = z.infer<typeof FailureReason>;

const count = z.number().int().min(0);
export const TakeUpFigures = z.object({
  sent: count,
  /** The text's delivery was confirmed by the SMS provider. */
  delivered: count,
  opened: count,
  consented: count,
  refused: count,
  /** Live: the caller's video (or, for a location-only link, location) reached the console. */
  live: count,
  /** From sending the link to going live, over the sessions that went live; null: none did. */
  sendToLiveMedianMs: z.number().nullable(),
  sendToLiveP90Ms: z.number().nullable(),
  failures: z.record(FailureReason, count),
  feedback: z.record(FeedbackAnswer, count),
});
export type TakeUpFigures = z.infer<typeof TakeUpFigures>;

export const TakeUpRow = TakeUpFigures.extend({
  /** The period's first day (a week starts on Monday). */
  period: IsoDay,
  team: z.string().nullable(),
  mode: SessionMode,
});
export type TakeUpRow = z.infer<typeof TakeUpRow>;

export const FeedbackComment = z.object({
  period: IsoDay,
  team: z.string().nullable(),
  mode: SessionMode,
  language: Language,
  answer: FeedbackAnswer,
  text: z.string(),
});
export type FeedbackComment = z.infer<typeof FeedbackComment>;

export const TakeUpReport = z.object({
  from: IsoDay,
  to: IsoDay,
  period: ReportPeriod,
  /** One row per period, team and link mode that sent at least one link or had feedback. */
  rows: z.array(TakeUpRow),
  byTeam: z.array(TakeUpFigures.extend({ team: z.string().nullable() })),
  byPeriod: z.array(TakeUpFigures.extend({ period: IsoDay })),
  total: TakeUpFigures,
  /** The callers' own words (not yet erased by retention). */
  comments: z.array(FeedbackComment),
});
export type TakeUpReport = z.infer<typeof TakeUpReport>;
