import { z } from 'zod';
import { ReceivedFix, SessionMode, SessionState } from './common.js';
import { OfficerRef } from './session.js';

/** Shortest and longest a share may last; the server may be configured with a shorter minimum (training). */
export const SHARE_MIN_SECONDS = 5 * 60;
export const SHARE_MAX_SECONDS = 12 * 60 * 60;
export const SHARE_DEFAULT_SECONDS = 60 * 60;

/** Why a share stopped: a control-room officer revoked it, its time ran out, or the session ended. */
export const ShareEndReason = z.enum(['revoked', 'expired', 'session-ended']);
export type ShareEndReason = z.infer<typeof ShareEndReason>;

/**
 * Why a field officer's view of one session under a share closed: the share ended, or (an
 * incident share) the session was taken out of the incident while the share lives on.
 */
export const ShareViewEndReason = z.enum([...ShareEndReason.options, 'left-incident']);
export type ShareViewEndReason = z.infer<typeof ShareViewEndReason>;

/** One share of a session or of an incident (exactly one is set) with one field officer, as the control room sees it. */
export const Share = z.object({
  id: z.string(),
  sessionId: z.string().nullable(),
  incidentId: z.string().nullable(),
  officer: OfficerRef,
  createdBy: OfficerRef,
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  openedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  endReason: ShareEndReason.nullable(),
});
export type Share = z.infer<typeof Share>;

export const ShareList = z.object({ shares: z.array(Share) });
export type ShareList = z.infer<typeof ShareList>;

/** Share a session with one or more named field officers for a while (seconds; bounded). */
export const CreateShareRequest = z.object({
  officerIds: z.array(z.string().uuid()).min(1).max(20),
  durationSeconds: z.number().int().min(1).max(SHARE_MAX_SECONDS).default(SHARE_DEFAULT_SECONDS),
});
export type CreateShareRequest = z.infer<typeof CreateShareRequest>;

/** Field officers a control-room officer may share with (enabled accounts holding the role). */
export const FieldOfficerList = z.object({ officers: z.array(OfficerRef) });
export type FieldOfficerList = z.infer<typeof FieldOfficerList>;

/**
 * What a field officer may know of a shared session: enough to watch and drive there,
 * nothing more (no phone number, verification code, chat or evidence).
 */
export const FieldSession = z.object({
  id: z.string(),
  reference: z.string().nullable(),
  state: SessionState,
  mode: SessionMode,
  publishing: z.boolean(),
  videoStoppedAt: z.number().int().nullable(),
  videoStopReason: z.string().nullable(),
  lastFix: ReceivedFix.nullable(),
});
export type FieldSession = z.infer<typeof FieldSession>;

/** One caller of a shared incident, labelled as the control room labels them ("Caller 1"…). */
export const FieldCaller = z.object({ label: z.string(), session: FieldSession });
export type FieldCaller = z.infer<typeof FieldCaller>;

/** A shared incident as its field officer may see it: its title, CAD reference and its callers now. */
export const FieldIncident = z.object({
  id: z.string(),
  title: z.string(),
  cadReference: z.string().nullable(),
  callers: z.array(FieldCaller),
});
export type FieldIncident = z.infer<typeof FieldIncident>;

/** A live share as its field officer sees it: of one session (`session`) or of an incident (`incident`). */
export const FieldShare = z.object({
  id: z.string(),
  sharedBy: OfficerRef,
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  session: FieldSession.nullable(),
  incident: FieldIncident.nullable(),
});
export type FieldShare = z.infer<typeof FieldShare>;

export const FieldShareList = z.object({ shares: z.array(FieldShare) });
export type FieldShareList = z.infer<typeof FieldShareList>;

/** A field officer's newest position, as the control room's map shows it. */
export const OfficerPosition = z.object({
  officerId: z.string(),
  name: z.string(),
  shareId: z.string(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  accuracy: z.number().min(0),
  heading: z.number().nullable(),
  speed: z.number().nullable(),
  fixTime: z.number().int(),
  receivedAt: z.number().int(),
});
export type OfficerPosition = z.infer<typeof OfficerPosition>;
