import { readFileSync } from 'node:fs';
import { RetentionPolicy } from '@sightline/protocol';
import { z } from 'zod';

/**
 * MoPI (College of Policing APP, Management of Police Information) groups, plus
 * "no further police action". Group 3's six-year clear period is 2192 days: never
 * shorter than six calendar years, whatever the leap years.
 */
export function defaultPolicies(nfpaDays: number): RetentionPolicy[] {
  return [
    {
      id: 'mopi-1',
      label: 'MoPI group 1: certain public protection matters',
      description: 'Retain until the subject is 100 years old. Review every 10 years.',
      reviewEveryYears: 10,
      retainDays: null,
      retainUntilSubjectAge: 100,
    },
    {
      id: 'mopi-2',
      label: 'MoPI group 2: other sexual, violent or serious offences',
      description: 'Retain. Review every 10 years; disposed of only when a review decides so.',
      reviewEveryYears: 10,
      retainDays: null,
      retainUntilSubjectAge: null,
    },
    {
      id: 'mopi-3',
      label: 'MoPI group 3: all other offences',
      description: 'Dispose of after a 6-year clear period.',
      reviewEveryYears: null,
      retainDays: 2192,
      retainUntilSubjectAge: null,
    },
    {
      id: 'nfpa',
      label: 'No further police action / not evidential',
      description: `Dispose of ${nfpaDays} days after classification.`,
      reviewEveryYears: null,
      retainDays: nfpaDays,
      retainUntilSubjectAge: null,
    },
  ];
}

/** The defaults, or the policies in SIGHTLINE_RETENTION_POLICIES (a JSON file), validated. */
export function loadPolicies(file: string | null, nfpaDays: number): RetentionPolicy[] {
  if (!file) return defaultPolicies(nfpaDays);
  const parsed = z
    .array(RetentionPolicy)
    .min(1)
    .safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `SIGHTLINE_RETENTION_POLICIES (${file}): ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data;
}

const YEAR = 365.25 * 86_400_000;
const DAY = 86_400_000;

/** When media may be disposed of under a policy (null: not automatically), and when it is next reviewed. */
export function retentionDates(
  policy: RetentionPolicy,
  o: { now: number; clearPeriodStart?: number | undefined; subjectDob?: string | undefined },
): { retainUntil: number | null; reviewDueAt: number | null } {
  let retainUntil: number | null = null;
  if (policy.retainDays !== null) retainUntil = (o.clearPeriodStart ?? o.now) + policy.retainDays * DAY;
  if (policy.retainUntilSubjectAge !== null && o.subjectDob) {
    const dob = new Date(`${o.subjectDob}T00:00:00Z`);
    dob.setUTCFullYear(dob.getUTCFullYear() + policy.retainUntilSubjectAge);
    retainUntil = dob.getTime();
  }
  const reviewDueAt =
    policy.reviewEveryYears === null ? null : Math.round(o.now + policy.reviewEveryYears * YEAR);
  return { retainUntil, reviewDueAt };
}
