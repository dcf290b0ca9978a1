import { z } from 'zod';

/**
 * Protecting the people who watch: what the console reports about footage an officer saw
 * clearly, what they marked as distressing, and the supervisors' wellbeing view built from it.
 */

/** Live video, or a recording played back from the evidence library. */
export const ExposureKind = z.enum(['live', 'recorded']);
export type ExposureKind = z.infer<typeof ExposureKind>;

/** No interval the console reports is longer than this (the reporting interval is at most 60 s). */
export const MAX_EXPOSURE_SPAN_MS = 120_000;
/** At most this many intervals in one request (every tile of a 16-tile wall, with retries). */
export const MAX_EXPOSURE_BATCH = 64;

/**
 * One interval of footage seen clearly: the video playing, the page visible and the picture
 * not blurred, for `seenMs` of the `spanMs` the interval covers. `id` is chosen by the console
 * once per interval and sent again on a retry, so a retried report is counted once.
 */
export const ExposureInterval = z
  .object({
    id: z.string().uuid(),
    sessionId: z.string().uuid(),
    kind: ExposureKind,
    /** The evidence item played back (recorded footage only). */
    itemId: z.string().min(1).max(64).optional(),
    spanMs: z.number().int().min(1).max(MAX_EXPOSURE_SPAN_MS),
    seenMs: z.number().int().min(1).max(MAX_EXPOSURE_SPAN_MS),
  })
  .refine((r) => r.seenMs <= r.spanMs, { message: 'seenMs cannot exceed spanMs', path: ['seenMs'] });
export type ExposureInterval = z.infer<typeof ExposureInterval>;

export const ExposureReportRequest = z.object({
  intervals: z.array(ExposureInterval).min(1).max(MAX_EXPOSURE_BATCH),
});
export type ExposureReportRequest = z.infer<typeof ExposureReportRequest>;

/** How many of the intervals were new (a retry of one already stored counts 0). */
export const ExposureReportResult = z.object({ counted: z.number().int() });

/** "Mark as distressing", on live video or during playback; the note is optional and private. */
export const DistressMarkRequest = z.object({
  /** Chosen by the console; pressing Save twice (or a retry) records one mark. */
  id: z.string().uuid(),
  sessionId: z.string().uuid(),
  kind: ExposureKind,
  itemId: z.string().min(1).max(64).optional(),
  /** Position in the recording, seconds (playback only). */
  mediaTime: z
    .number()
    .min(0)
    .max(7 * 86_400)
    .optional(),
  note: z.string().trim().max(500).optional(),
});
export type DistressMarkRequest = z.infer<typeof DistressMarkRequest>;

export const DistressMark = z.object({
  id: z.string(),
  sessionId: z.string(),
  kind: ExposureKind,
  itemId: z.string().nullable(),
  mediaTime: z.number().nullable(),
  note: z.string().nullable(),
  at: z.number().int(),
});
export type DistressMark = z.infer<typeof DistressMark>;

/** What a force counts as too much in one shift: reaching any of these flags the shift. */
export const WellbeingThresholds = z.object({
  liveMinutes: z.number().int(),
  recordedMinutes: z.number().int(),
  distressingMarks: z.number().int(),
});
export type WellbeingThresholds = z.infer<typeof WellbeingThresholds>;

export const WellbeingFlag = z.enum(['live', 'recorded', 'distressing']);
export type WellbeingFlag = z.infer<typeof WellbeingFlag>;

/** One officer's exposure in one shift. */
export const ShiftExposure = z.object({
  start: z.number().int(),
  end: z.number().int(),
  liveMs: z.number().int(),
  recordedMs: z.number().int(),
  marks: z.array(DistressMark),
  /** The thresholds this shift reached. */
  flags: z.array(WellbeingFlag),
});
export type ShiftExposure = z.infer<typeof ShiftExposure>;

export const OfficerExposure = z.object({
  officerId: z.string(),
  name: z.string(),
  /** Oldest first; only shifts with any exposure. */
  shifts: z.array(ShiftExposure),
});
export type OfficerExposure = z.infer<typeof OfficerExposure>;

/** How shifts are cut: local start times in a time zone (e.g. 07:00 and 19:00 in Europe/London). */
export const ShiftPlanView = z.object({ starts: z.array(z.string()), timeZone: z.string() });

export const WellbeingQuery = z.object({
  days: z.coerce.number().int().min(1).max(31).default(7),
});

export const WellbeingReport = z.object({
  from: z.number().int(),
  to: z.number().int(),
  shiftPlan: ShiftPlanView,
  thresholds: WellbeingThresholds,
  officers: z.array(OfficerExposure),
});
export type WellbeingReport = z.infer<typeof WellbeingReport>;
