import { z } from 'zod';
import { IncidentReference } from './api.js';
import { ReceivedFix } from './common.js';
import { OfficerRef, SessionSummary, TimelineEvent } from './session.js';

const Id = z.string().uuid();

/** What a call handler calls the incident ("Fight outside the Red Lion"): one printable line. */
export const IncidentTitle = z
  .string()
  .trim()
  .min(1, 'give the incident a short title')
  .max(120)
  .regex(/^[^\p{C}]+$/u, 'use printable characters only (no line breaks or control characters)');

/** One incident: several callers' sessions seen together. No personal data: a title and the CAD reference. */
export const IncidentSummary = z.object({
  id: z.string(),
  title: z.string(),
  /** The force's CAD (command and control) reference, if the incident has one yet. */
  cadReference: z.string().nullable(),
  createdAt: z.number().int(),
  createdBy: OfficerRef,
  closedAt: z.number().int().nullable(),
  /** Its sessions, oldest first (the order callers are numbered in). */
  sessionIds: z.array(z.string()),
});
export type IncidentSummary = z.infer<typeof IncidentSummary>;

/** One caller of an incident: its session, the label shown on the map and timeline, and its trail. */
export const IncidentCaller = z.object({
  /** "Caller 1", "Caller 2"… in the order the sessions joined; stable while the incident lasts. */
  label: z.string(),
  session: SessionSummary,
  /** Every fix in arrival order (the last is the latest position). */
  track: z.array(ReceivedFix),
});
export type IncidentCaller = z.infer<typeof IncidentCaller>;

/** One entry of the merged timeline, labelled with the session (caller) it came from. */
export const IncidentTimelineEntry = z.object({
  sessionId: z.string(),
  label: z.string(),
  event: TimelineEvent,
});
export type IncidentTimelineEntry = z.infer<typeof IncidentTimelineEntry>;

export const IncidentDetail = z.object({
  incident: IncidentSummary,
  callers: z.array(IncidentCaller),
  /** Every session's timeline, merged by time (then by session order). */
  timeline: z.array(IncidentTimelineEntry),
});
export type IncidentDetail = z.infer<typeof IncidentDetail>;

export const IncidentList = z.object({ incidents: z.array(IncidentSummary) });

export const CreateIncidentRequest = z.object({
  title: IncidentTitle,
  cadReference: IncidentReference.optional(),
  /** A session to start the incident with (the one on screen), optional. */
  sessionId: Id.optional(),
});
export type CreateIncidentRequest = z.infer<typeof CreateIncidentRequest>;

/** Adds a session to this incident (moving it if it was in another). */
export const AddIncidentSessionRequest = z.object({ sessionId: Id });

export const IncidentExportRequest = z.object({
  reason: z.string().trim().min(5, 'give a reason (at least 5 characters)').max(500),
});
