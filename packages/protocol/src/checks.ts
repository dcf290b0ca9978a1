import { z } from 'zod';
import { IncidentReference } from './api.js';
import { Language } from './common.js';
import { BailCheckDetails } from './outcomes.js';
import { OfficerRef } from './session.js';

/** The most checks one series may hold (a month of daily checks). */
export const MAX_CHECKS_PER_SERIES = 31;
/** How far ahead a check may be scheduled. */
export const CHECK_HORIZON_DAYS = 92;

/** One check's window: the link works from `notBefore` until `notAfter` (epoch ms), and only then. */
export const CheckWindow = z
  .object({ notBefore: z.number().int().positive(), notAfter: z.number().int().positive() })
  .refine((w) => w.notAfter > w.notBefore, {
    message: 'the window must end after it starts',
    path: ['notAfter'],
  });
export type CheckWindow = z.infer<typeof CheckWindow>;

/** "Every day at 21:00 for 30 minutes, 14 times" in the force's time zone (wall-clock, across clock changes). */
export const CheckRepeat = z.object({
  /** The first check's local date, YYYY-MM-DD. */
  firstDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
  /** Local opening time, HH:MM (24-hour). */
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM'),
  minutes: z
    .number()
    .int()
    .min(5)
    .max(12 * 60),
  count: z.number().int().min(1).max(MAX_CHECKS_PER_SERIES),
  /** Days between checks (1: daily, 7: weekly). */
  everyDays: z.number().int().min(1).max(31).default(1),
  /** IANA zone the times are in; the server's configured zone when left out. */
  timeZone: z.string().min(1).max(64).optional(),
});
export type CheckRepeat = z.infer<typeof CheckRepeat>;

/** Schedules bail or court-order checks: one two-way link per window, texted when its window opens. */
export const ScheduleChecksRequest = z
  .object({
    phone: z.string().trim().min(1, 'enter a mobile number').max(32),
    reference: IncidentReference.optional(),
    language: Language.default('en'),
    details: BailCheckDetails.optional(),
    /** Either a list of windows or a repeat rule. */
    windows: z.array(CheckWindow).min(1).max(MAX_CHECKS_PER_SERIES).optional(),
    repeat: CheckRepeat.optional(),
    /**
     * When each link is texted: as its window opens (the default: the subject is told when to act),
     * or now (one check only, e.g. given to the subject in person; before the window the page says when it opens).
     */
    textAt: z.enum(['window-start', 'now']).default('window-start'),
  })
  .refine((r) => (r.windows ? 1 : 0) + (r.repeat ? 1 : 0) === 1, {
    message: 'give either windows or a repeat rule',
    path: ['windows'],
  });
export type ScheduleChecksRequest = z.infer<typeof ScheduleChecksRequest>;

/**
 * Where a check stands, computed from its session: `upcoming` before the window, `open` inside it
 * and not yet joined, `joined` once the subject consented (or is live), `missed` when the window
 * closed without them consenting, `cancelled` when an officer cancelled it.
 */
export const CheckStatus = z.enum(['upcoming', 'open', 'joined', 'done', 'missed', 'cancelled']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const Check = z.object({
  sessionId: z.string(),
  seriesId: z.string().nullable(),
  reference: z.string().nullable(),
  phoneMasked: z.string(),
  subject: z.string().nullable(),
  notBefore: z.number().int(),
  notAfter: z.number().int(),
  status: CheckStatus,
  /** When the link's text went out; null while it waits for the window. */
  textSentAt: z.number().int().nullable(),
  /** The recorded result (complied, breach...), if an outcome was recorded. */
  result: z.string().nullable(),
  createdBy: OfficerRef,
});
export type Check = z.infer<typeof Check>;

export const CheckList = z.object({ checks: z.array(Check) });
export type CheckList = z.infer<typeof CheckList>;

export const CheckListQuery = z.object({
  /** `mine`: checks this officer scheduled; `all`: everyone's (supervisors). */
  scope: z.enum(['mine', 'all']).default('mine'),
  status: CheckStatus.optional(),
  /** Checks whose window ends after this (epoch ms); default a week ago. */
  from: z.coerce.number().int().optional(),
});
export type CheckListQuery = z.infer<typeof CheckListQuery>;

export const ScheduleChecksResponse = z.object({ seriesId: z.string(), checks: z.array(Check) });
export type ScheduleChecksResponse = z.infer<typeof ScheduleChecksResponse>;

export const CancelSeriesRequest = z.object({ reason: z.string().trim().min(1).max(200) });
export const CancelSeriesResponse = z.object({ cancelled: z.number().int() });
