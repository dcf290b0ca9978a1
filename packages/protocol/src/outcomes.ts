import { z } from 'zod';
import {
  BAIL_CONDITIONS,
  BAIL_RESULTS,
  FIX_ALERT_MINUTES,
  IDENTITY_METHODS,
  MISSING_PERSON_STATUSES,
  OUTCOME_LABELS,
  TRIAGE_DECISIONS,
} from './outcome-labels.js';

export * from './outcome-labels.js';

/**
 * Structured outcomes of the pilot workflows (issue 11): triage and TDIU screening, bail and
 * court-order checks, missing-person searches. Records are append-only: a correction is a new
 * record that names the one it supersedes, with why.
 */

/** What a triage or TDIU screening decided. The list is fixed so reports can count it. */
export const TriageDecision = z.enum(TRIAGE_DECISIONS);
export type TriageDecision = z.infer<typeof TriageDecision>;

/** The kind of bail or court-order condition being checked. */
export const BailCondition = z.enum(BAIL_CONDITIONS);
export type BailCondition = z.infer<typeof BailCondition>;

export const BailResult = z.enum(BAIL_RESULTS);
export type BailResult = z.infer<typeof BailResult>;

/** How the officer satisfied themself the person on the call is the subject. */
export const IdentityMethod = z.enum(IDENTITY_METHODS);
export type IdentityMethod = z.infer<typeof IdentityMethod>;

export const MissingPersonStatus = z.enum(MISSING_PERSON_STATUSES);
export type MissingPersonStatus = z.infer<typeof MissingPersonStatus>;

const text = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .min(min, `${what}: at least ${min} characters`)
    .max(max, `${what}: at most ${max} characters`);
/** A calendar day, YYYY-MM-DD, that exists. */
export const IsoDay = z.iso.date('a date as YYYY-MM-DD');

export const BailSubject = text(2, 100, 'subject');
export const BailCheckDetails = z.strictObject({
  subject: BailSubject,
  condition: BailCondition,
  /** The condition's particulars: the address, the zone, the person not to contact… */
  conditionDetail: text(3, 300, 'condition'),
});
export type BailCheckDetails = z.infer<typeof BailCheckDetails>;

const Triage = z.strictObject({
  kind: z.literal('triage'),
  decision: TriageDecision,
  reason: text(3, 2000, 'reason'),
  followUp: z
    .strictObject({ action: text(3, 300, 'follow-up'), due: IsoDay })
    .nullable()
    .default(null),
});
const BailCheck = BailCheckDetails.extend({
  kind: z.literal('bail-check'),
  result: BailResult,
  /** The officer confirms, explicitly, that they identified the person on the call as the subject. */
  identity: z.strictObject({
    confirmed: z.literal(true, 'confirm that you identified the subject'),
    method: IdentityMethod,
    detail: z.string().trim().max(200).default(''),
  }),
  notes: z.string().trim().max(2000).default(''),
});
const MissingPerson = z.strictObject({
  kind: z.literal('missing-person'),
  status: MissingPersonStatus,
  reason: text(3, 2000, 'reason'),
});

/** What an officer sends. The bail check's location is never in it: the server takes the latest fix. */
export const OutcomeInput = z.discriminatedUnion('kind', [Triage, BailCheck, MissingPerson]);
export type OutcomeInput = z.infer<typeof OutcomeInput>;

export const RecordOutcomeRequest = z
  .strictObject({
    record: OutcomeInput,
    /** The record this one corrects (it stays, marked superseded). */
    supersedes: z.uuid().optional(),
    correctionReason: z.string().trim().max(500).optional(),
  })
  .refine((r) => !r.supersedes || (r.correctionReason ?? '').length >= 3, {
    message: 'say why the record is corrected (at least 3 characters)',
    path: ['correctionReason'],
  })
  .refine((r) => r.supersedes || !r.correctionReason, {
    message: 'a correction reason needs the record it corrects',
    path: ['supersedes'],
  });
export type RecordOutcomeRequest = z.infer<typeof RecordOutcomeRequest>;

/** Where the caller was when a bail check's result was recorded: the server's latest fix. */
export const OutcomeLocation = z.object({
  lat: z.number(),
  lon: z.number(),
  accuracy: z.number(),
  fixTime: z.number().int(),
  receivedAt: z.number().int(),
  /** How old the fix was when the result was recorded (ms, server clock). */
  ageMs: z.number().int(),
});
export type OutcomeLocation = z.infer<typeof OutcomeLocation>;

export const OutcomeRecord = z.discriminatedUnion('kind', [
  Triage,
  BailCheck.extend({ location: OutcomeLocation.nullable() }),
  MissingPerson,
]);
export type OutcomeRecord = z.infer<typeof OutcomeRecord>;

export const Outcome = z.object({
  id: z.string(),
  sessionId: z.string(),
  record: OutcomeRecord,
  supersedes: z.string().nullable(),
  correctionReason: z.string().nullable(),
  /** The record that corrects this one; null while it stands. */
  supersededBy: z.string().nullable(),
  recordedBy: z.object({ id: z.string(), name: z.string() }),
  recordedAt: z.number().int(),
});
export type Outcome = z.infer<typeof Outcome>;

/** What the link was sent for. */
export const SessionWorkflow = z.object({
  kind: z.enum(['bail-check', 'missing-person']),
  check: BailCheckDetails.nullable(),
  /** Missing-person searches: alert after this many minutes without a fix. */
  fixAlertMinutes: z.number().int().nullable(),
  /** When the current no-fix alert was raised; null while fixes arrive. */
  alertSince: z.number().int().nullable(),
});
export type SessionWorkflow = z.infer<typeof SessionWorkflow>;

export const OutcomeList = z.object({ workflow: SessionWorkflow.nullable(), outcomes: z.array(Outcome) });
export type OutcomeList = z.infer<typeof OutcomeList>;

/** Invite extras: a two-way link's check details, a location link's missing-person search. */
export const InviteWorkflow = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bail-check'), check: BailCheckDetails }),
  z.strictObject({
    kind: z.literal('missing-person'),
    fixAlertMinutes: z
      .number()
      .int()
      .min(FIX_ALERT_MINUTES.min)
      .max(FIX_ALERT_MINUTES.max)
      .default(FIX_ALERT_MINUTES.default),
  }),
]);
export type InviteWorkflow = z.infer<typeof InviteWorkflow>;

/** One line for the timeline and lists: "Triage: Crime recorded". */
export function outcomeSummary(r: OutcomeInput): string {
  switch (r.kind) {
    case 'triage':
      return `Triage: ${OUTCOME_LABELS[r.decision]}`;
    case 'bail-check':
      return `Bail check (${r.subject}, ${OUTCOME_LABELS[r.condition].toLowerCase()}): ${OUTCOME_LABELS[r.result]}`;
    case 'missing-person':
      return `Missing person: ${OUTCOME_LABELS[r.status]}`;
  }
}
