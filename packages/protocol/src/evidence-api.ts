import { z } from 'zod';
import { clearPeriodStartProblem, dateOfBirthProblem } from './retention-bounds.js';
import { SessionSummary } from './session.js';

// HTTP shapes for the evidence library, retention, exports, redaction and subject access.

const Ms = z.number().int();
const Id = z.string().uuid();

/** A session as the evidence library lists it: the summary plus retention facts. */
export const LibrarySession = SessionSummary.extend({
  policyId: z.string().nullable(),
  classifiedAt: Ms.nullable(),
  classifiedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  legalHold: z.boolean(),
  holdReason: z.string().nullable(),
  retainUntil: Ms.nullable(),
  reviewDueAt: Ms.nullable(),
  disposedAt: Ms.nullable(),
  evidenceCount: z.number().int(),
});
export type LibrarySession = z.infer<typeof LibrarySession>;
export const LibraryList = z.object({ sessions: z.array(LibrarySession) });

const optionalTrimmed = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const LibraryQuery = z.object({
  reference: optionalTrimmed(64),
  /** Officer who sent the invite, by username or display name (substring). */
  officer: optionalTrimmed(100),
  /** Any format libphonenumber accepts; matched on the normalised E.164 number. */
  phone: optionalTrimmed(32),
  state: z.enum(['sent', 'opened', 'consented', 'refused', 'live', 'ended', 'expired']).optional(),
  policyId: optionalTrimmed(40),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type LibraryQuery = z.infer<typeof LibraryQuery>;

export const Note = z.object({
  id: z.string(),
  sessionId: z.string(),
  kind: z.enum(['note', 'bookmark']),
  text: z.string(),
  /** Position in the recording, seconds from its start, for notes made during playback. */
  mediaTime: z.number().nullable(),
  recordingId: z.string().nullable(),
  /** Wall-clock time the note refers to (ms). */
  at: Ms,
  createdAt: Ms,
  author: z.object({ id: z.string(), name: z.string() }),
});
export type Note = z.infer<typeof Note>;
export const NoteList = z.object({ notes: z.array(Note) });
export const CreateNoteRequest = z.object({
  kind: z.enum(['note', 'bookmark']),
  text: z.string().trim().min(1).max(2000),
  mediaTime: z.number().min(0).max(86_400).optional(),
  recordingId: z.string().uuid().optional(),
  at: Ms.optional(),
});

export const RetentionPolicy = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  /** Review every N years (MoPI groups 1 and 2); null when not reviewed. */
  reviewEveryYears: z.number().nullable(),
  /** Dispose N days after the clear-period start (group 3: 6 years; NFPA: days). Null: never automatically. */
  retainDays: z.number().nullable(),
  /** Keep until the subject reaches this age (group 1: 100). */
  retainUntilSubjectAge: z.number().nullable(),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;
export const PolicyList = z.object({ policies: z.array(RetentionPolicy), unclassifiedDays: z.number() });

const Reason = z.string().trim().min(5, 'give a reason (at least 5 characters)').max(500);

export const ClassifyRequest = z.object({
  policyId: z.string().min(1).max(40),
  reason: Reason,
  /** ISO date (YYYY-MM-DD), a real past date from 1900; needed to keep until the subject is 100 (group 1). */
  subjectDateOfBirth: z
    .string()
    .superRefine((v, ctx) => {
      const problem = dateOfBirthProblem(v, Date.now());
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** When the clear period starts, milliseconds since the epoch (never seconds), 1990 to now; defaults to now. */
  clearPeriodStart: z
    .number()
    .superRefine((v, ctx) => {
      const problem = clearPeriodStartProblem(v, Date.now());
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});
export const HoldRequest = z.object({ hold: z.boolean(), reason: Reason });
export const ReviewRequest = z.object({ outcome: z.enum(['retain', 'dispose']), reason: Reason });

export const DisposalCandidate = z.object({
  sessionId: z.string(),
  reference: z.string().nullable(),
  policyId: z.string().nullable(),
  retainUntil: Ms,
  why: z.string(),
  items: z.array(
    z.object({ id: z.string(), fileName: z.string(), sha256: z.string(), size: z.number().int() }),
  ),
});
export type DisposalCandidate = z.infer<typeof DisposalCandidate>;
/** A session the disposal job would have taken but refused: its dates are impossible, so a person must look. */
export const RefusedDisposal = z.object({
  sessionId: z.string(),
  reference: z.string().nullable(),
  policyId: z.string().nullable(),
  /** As stored; null when it is not a representable time. */
  retainUntil: Ms.nullable(),
  createdAt: Ms,
  why: z.string(),
});
export type RefusedDisposal = z.infer<typeof RefusedDisposal>;
export const DisposalReport = z.object({
  dryRun: z.boolean(),
  at: Ms,
  candidates: z.array(DisposalCandidate),
  /** Flagged for a supervisor, never disposed of by the job (e.g. retention date before creation). */
  refused: z.array(RefusedDisposal),
});
export type DisposalReport = z.infer<typeof DisposalReport>;

export const ExportJob = z.object({
  id: z.string(),
  kind: z.enum(['full', 'sar']),
  sessionIds: z.array(z.string()),
  /** Set when the package was asked for from an incident (every session of it, a folder each). */
  incidentId: z.string().nullish(),
  reason: z.string(),
  /** `disposed`: the package was deleted with the media it held, under the retention policy. */
  state: z.enum(['queued', 'running', 'done', 'failed', 'disposed']),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  requestedBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: Ms,
  finishedAt: Ms.nullable(),
  fileName: z.string().nullable(),
  size: z.number().int().nullable(),
  sha256: z.string().nullable(),
  error: z.string().nullable(),
});
export type ExportJob = z.infer<typeof ExportJob>;
export const ExportList = z.object({ jobs: z.array(ExportJob) });
export const CreateExportRequest = z.object({
  sessionIds: z.array(Id).min(1).max(50),
  reason: Reason,
  /** `sar`: redacted copies and reports only, for a subject access request. */
  kind: z.enum(['full', 'sar']).default('full'),
});

/** A rectangle as fractions of the frame (0..1), blurred between two media times (seconds). */
export const BlurRegion = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    width: z.number().gt(0).max(1),
    height: z.number().gt(0).max(1),
    from: z.number().min(0),
    to: z.number().min(0),
  })
  .refine((r) => r.x + r.width <= 1.0001 && r.y + r.height <= 1.0001, 'rectangle must lie inside the frame')
  .refine((r) => r.to > r.from, '`to` must be after `from`');
export const MuteRange = z
  .object({ from: z.number().min(0), to: z.number().min(0) })
  .refine((r) => r.to > r.from, '`to` must be after `from`');
export const CreateRedactionRequest = z.object({
  regions: z.array(BlurRegion).max(50),
  mute: z.array(MuteRange).max(50),
  reason: Reason,
});
export type CreateRedactionRequest = z.infer<typeof CreateRedactionRequest>;
export const RedactionJob = z.object({
  id: z.string(),
  sourceId: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  resultId: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: Ms,
});
export type RedactionJob = z.infer<typeof RedactionJob>;

export const SarQuery = z.object({
  phone: z.string().trim().min(1).max(32),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
});

export const SigningKey = z.object({ publicKeyPem: z.string(), fingerprint: z.string() });
export const SignedManifest = z.object({
  /** The exact bytes the signature covers (UTF-8 JSON text). */
  manifestJson: z.string(),
  manifest: z.record(z.string(), z.unknown()),
  signature: z.string(),
  publicKeyPem: z.string(),
  fingerprint: z.string(),
});

/**
 * One audited viewing of an evidence item: playback fetches the item's bytes only
 * through `url`, only for the officer who started it, and only until `expiresAt`.
 */
export const EvidenceViewing = z.object({
  viewingId: Id,
  itemId: Id,
  expiresAt: Ms,
  /** The content URL the player uses (any Range requests) while the viewing lasts. */
  url: z.string(),
});
export type EvidenceViewing = z.infer<typeof EvidenceViewing>;
/** How a content request is served: within a viewing (playback), or as an audited download. */
export const EvidenceContentQuery = z.object({
  viewing: Id.optional(),
  download: z.enum(['0', '1']).default('0'),
});
