import { z } from 'zod';
import { Language, ReceivedFix, Role, SessionMode, SessionState } from './common.js';
import { TextDelivery } from './sms.js';

export const OfficerRef = z.object({ id: z.string(), name: z.string() });
export type OfficerRef = z.infer<typeof OfficerRef>;

/** What the console lists for one session. The phone number is masked; the full number is audited on request. */
export const SessionSummary = z.object({
  id: z.string(),
  reference: z.string().nullable(),
  phoneMasked: z.string(),
  state: SessionState,
  mode: SessionMode,
  language: Language,
  verificationCode: z.string(),
  locationUntil: z.number().int().nullable(),
  createdAt: z.number().int(),
  createdBy: OfficerRef,
  expiresAt: z.number().int(),
  openedAt: z.number().int().nullable(),
  consentedAt: z.number().int().nullable(),
  liveAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  endReason: z.string().nullable(),
  /** True while the caller's camera is reaching the media server. */
  publishing: z.boolean(),
  /**
   * When a live session's caller media stopped arriving (phone died, lost network, hung
   * up without Stop), and why; both null while video flows or before it started.
   */
  videoStoppedAt: z.number().int().nullable(),
  videoStopReason: z.string().nullable(),
  lastFix: ReceivedFix.nullable(),
  /** The newest text of the link, and what became of it; null before any (or for sessions older than texts' records). */
  text: TextDelivery.nullable(),
  /** The incident this session belongs to, if any (a session is in at most one). */
  incidentId: z.string().nullish(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/** An officer who has a session open on a console (its page or the live wall), since when (ms). */
export const Watcher = z.object({ officerId: z.string(), name: z.string(), since: z.number().int() });
export type Watcher = z.infer<typeof Watcher>;

export const TimelineEvent = z.object({
  id: z.string(),
  at: z.number().int(),
  type: z.string(),
  actor: z.string().nullable(),
  detail: z.string().nullable(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const EvidenceKind = z.enum([
  'master',
  'working-copy',
  'location-track',
  'redacted-copy',
  /** A photo or video the caller sent from their phone. */
  'caller-upload',
  /** The full-quality recording made on the phone itself and uploaded in chunks. */
  'device-copy',
  /** A network location message (AML) as the network sent it (docs/aml.md). */
  'aml-message',
]);
export type EvidenceKind = z.infer<typeof EvidenceKind>;

export const EvidenceItem = z.object({
  id: z.string(),
  sessionId: z.string(),
  kind: EvidenceKind,
  /** Which recording (publish) this belongs to; null for session-wide items. */
  recordingId: z.string().nullable(),
  fileName: z.string(),
  mediaType: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int(),
  createdAt: z.number().int(),
  /** For working copies: hashes of the masters it was made from. */
  derivedFrom: z.array(z.string()),
  durationMs: z.number().int().nullable(),
  /** Set when retention disposal deleted the bytes; the row, hash and size remain as the record. */
  disposedAt: z.number().int().nullable(),
});
export type EvidenceItem = z.infer<typeof EvidenceItem>;

/** One publish of the caller's media (a session has several if the phone reconnected). */
export const Recording = z.object({
  id: z.string(),
  sessionId: z.string(),
  startedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  /** Wall-clock time of media time 0 in this recording's working copy (first video packet), ms. */
  mediaStartedAt: z.number().int().nullable(),
  state: z.enum(['recording', 'ingesting', 'stored', 'failed', 'empty']),
  videoCodec: z.string().nullable(),
  /** Seals written while recording (and at recovery). */
  seals: z.number().int(),
  recovered: z.boolean(),
  /** Whose camera: the caller's, the officer's (two-way) or an interpreter's (then `interpreterId` names them). */
  source: z.enum(['caller', 'officer', 'interpreter']).optional(),
  interpreterId: z.string().nullable().optional(),
});
export type Recording = z.infer<typeof Recording>;

export const MediaPlaneStatus = z.object({
  state: z.enum(['starting', 'up', 'down']),
  since: z.number().int(),
  restarts: z.number().int(),
  lastError: z.string().nullable(),
  managed: z.boolean(),
});
export type MediaPlaneStatus = z.infer<typeof MediaPlaneStatus>;

/** One storage area's health: the evidence store, or the spool where uploads and recordings wait. */
export const StorageAreaStatus = z.object({
  state: z.enum(['ok', 'full', 'read-only', 'unreachable']),
  since: z.number().int(),
  /** What an officer should read, e.g. "the evidence store is full"; null when ok. */
  message: z.string().nullable(),
});
export type StorageAreaStatus = z.infer<typeof StorageAreaStatus>;
export const StorageStatus = z.object({ evidence: StorageAreaStatus, spool: StorageAreaStatus });
export type StorageStatus = z.infer<typeof StorageStatus>;

export const OfficerView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(Role),
});
export type OfficerView = z.infer<typeof OfficerView>;
