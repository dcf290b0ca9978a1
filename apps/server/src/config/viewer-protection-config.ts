import { z } from 'zod';

const onByDefault = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .default('true')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** "07:00,19:00": the local times shifts start at, each HH:MM, at least one, no repeats. */
const shiftStarts = z
  .string()
  .default('07:00,19:00')
  .transform((v, ctx) => {
    const parts = v
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    const minutes: number[] = [];
    for (const p of parts) {
      const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(p);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${p}" is not a time of day as HH:MM (e.g. 07:00)` });
        return z.NEVER;
      }
      minutes.push(Number(m[1]) * 60 + Number(m[2]));
    }
    if (minutes.length === 0 || new Set(minutes).size !== minutes.length) {
      ctx.addIssue({ code: 'custom', message: 'list one or more different start times, e.g. 07:00,19:00' });
      return z.NEVER;
    }
    return minutes.sort((a, b) => a - b);
  });

const timeZone = z
  .string()
  .default('Europe/London')
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/London');

/** The SIGHTLINE_* settings for protecting the people who watch; config.ts spreads these into its schema. */
export const VIEWER_PROTECTION_ENV = {
  VIEWER_START_BLURRED: onByDefault,
  VIEWER_START_MUTED: onByDefault,
  EXPOSURE_REPORT_SECONDS: int(1, 60).default(20),
  SHIFT_STARTS: shiftStarts,
  SHIFT_TIME_ZONE: timeZone,
  WELLBEING_LIVE_MINUTES: int(1, 24 * 60).default(60),
  WELLBEING_RECORDED_MINUTES: int(1, 24 * 60).default(90),
  WELLBEING_DISTRESSING_MARKS: int(1, 1000).default(1),
};

type Env = { [K in keyof typeof VIEWER_PROTECTION_ENV]: z.infer<(typeof VIEWER_PROTECTION_ENV)[K]> };

/** The typed settings: the console's defaults, the shift plan and the force's thresholds. */
export function shapeViewerProtection(e: Env) {
  return {
    startBlurred: e.VIEWER_START_BLURRED,
    startMuted: e.VIEWER_START_MUTED,
    reportMs: e.EXPOSURE_REPORT_SECONDS * 1000,
    /** Minutes after local midnight, ascending. */
    shiftStarts: e.SHIFT_STARTS,
    timeZone: e.SHIFT_TIME_ZONE,
    thresholds: {
      liveMinutes: e.WELLBEING_LIVE_MINUTES,
      recordedMinutes: e.WELLBEING_RECORDED_MINUTES,
      distressingMarks: e.WELLBEING_DISTRESSING_MARKS,
    },
  };
}
export type ViewerProtectionConfig = ReturnType<typeof shapeViewerProtection>;
