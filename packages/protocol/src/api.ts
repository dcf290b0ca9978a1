import { z } from 'zod';
import { ChatMessage, ErrorCode, Language, ReceivedFix, Role, SessionMode } from './common.js';
import { InviteWorkflow } from './outcomes.js';
import {
  EvidenceItem,
  MediaPlaneStatus,
  OfficerView,
  Recording,
  SessionSummary,
  StorageStatus,
  TimelineEvent,
} from './session.js';

/** Body of every HTTP error response. */
export const ApiError = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    /** Which fields were wrong, for validation errors. */
    fields: z.record(z.string(), z.string()).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

export const LoginRequest = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const AuthState = z.object({ officer: OfficerView, csrfToken: z.string() });
export type AuthState = z.infer<typeof AuthState>;

export const ConsoleConfig = z.object({
  /** The configured force name; null when none is configured. */
  agency: z.string().nullable(),
  map: z.object({
    tileUrl: z.string().nullable(),
    attribution: z.string(),
    center: z.tuple([z.number(), z.number()]),
    zoom: z.number(),
  }),
  inviteTtlMinutes: z.number(),
  /** The shortest and longest validity an officer may choose for a link (SIGHTLINE_INVITE_TTL_MIN/MAX_MINUTES). */
  inviteTtlBounds: z.object({ min: z.number().int(), max: z.number().int() }),
  /** The SMS gateway and its fallback: the outbox panel is shown only where one of them is the outbox. */
  smsGateways: z.object({ primary: z.string(), fallback: z.string().nullable() }),
  /** Live video and playback start blurred and muted unless the force says otherwise; how often the console reports exposure. */
  viewerProtection: z.object({
    startBlurred: z.boolean(),
    startMuted: z.boolean(),
    reportSeconds: z.number().int(),
  }),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfig>;

/** The incident reference is free text in force formats (e.g. CAD 1234/28NOV); keep it printable and short. */
export const IncidentReference = z
  .string()
  .trim()
  .max(64)
  .regex(/^[\p{L}\p{N} ./:#_-]*$/u, 'use letters, numbers, spaces and . / : # _ - only');

/** An ordinary location-only link's longest window; a missing-person search may be given up to 72 h (server setting). */
export const LOCATION_MAX_MINUTES = 24 * 60;
export const MISSING_PERSON_MAX_MINUTES = 72 * 60;

/** An invite's fields, without the rules between them (the machine API adds the call handler). */
export const InviteFields = z.object({
  phone: z.string().trim().min(1, 'enter a mobile number').max(32),
  reference: IncidentReference.optional(),
  mode: SessionMode.default('video'),
  /** The caller's language, for the text message and the page (the page can still switch). */
  language: Language.default('en'),
  /** Location-only links end after this many minutes (a missing-person search may run longer). */
  locationMinutes: z.number().int().min(5).max(MISSING_PERSON_MAX_MINUTES).default(120),
  /** What the link is for: a two-way bail check's details, or a location link's missing-person search. */
  workflow: InviteWorkflow.optional(),
  /** How long the unopened link stays usable, in minutes; the configured default when left out (bounds: server settings). */
  validMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
});

/** The rules between an invite's fields, shared by the console's and the machine API's invite. */
export function inviteRules(
  r: Pick<z.infer<typeof InviteFields>, 'mode' | 'workflow' | 'locationMinutes'>,
  ctx: z.RefinementCtx,
): void {
  const kind = r.workflow?.kind;
  if (kind === 'bail-check' && r.mode !== 'two-way')
    ctx.addIssue({ code: 'custom', path: ['workflow'], message: 'check details go with a two-way link' });
  if (kind === 'missing-person' && r.mode !== 'location')
    ctx.addIssue({
      code: 'custom',
      path: ['workflow'],
      message: 'a missing-person search is a location-only link',
    });
  if (kind !== 'missing-person' && r.locationMinutes > LOCATION_MAX_MINUTES)
    ctx.addIssue({
      code: 'custom',
      path: ['locationMinutes'],
      message: `at most ${LOCATION_MAX_MINUTES} minutes (24 hours)`,
    });
}
export const CreateInviteRequest = InviteFields.superRefine(inviteRules);
export type CreateInviteRequest = z.infer<typeof CreateInviteRequest>;

export const SessionList = z.object({ sessions: z.array(SessionSummary) });
export const SessionDetail = z.object({
  session: SessionSummary,
  timeline: z.array(TimelineEvent),
  track: z.array(ReceivedFix),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

export const EndSessionRequest = z.object({ reason: z.string().trim().max(200).optional() });
export const MessageList = z.object({ messages: z.array(ChatMessage) });
export const EvidenceList = z.object({ items: z.array(EvidenceItem), recordings: z.array(Recording) });

export const OutboxMessage = z.object({
  id: z.string(),
  sessionId: z.string().nullable(),
  /** The caller's number, masked as everywhere else in the console (e.g. +44 •••••••456). */
  to: z.string(),
  /** The text; its link is in clear only for the officer who sent it, until it is opened or expires. */
  body: z.string(),
  createdAt: z.number().int(),
  status: z.enum(['queued', 'sent', 'failed']),
  /** Sent by the officer reading the outbox. */
  mine: z.boolean(),
  /** The body's link is masked (another officer's text, or a link already opened or expired). */
  linkHidden: z.boolean(),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;
export const OutboxList = z.object({ messages: z.array(OutboxMessage) });

export const CreateOfficerRequest = z.object({
  username: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .regex(/^[a-z0-9._-]+$/, 'lower-case letters, digits, dot, underscore and dash only'),
  displayName: z.string().trim().min(1).max(100),
  password: z.string().min(12, 'at least 12 characters').max(256),
  roles: z.array(Role).min(1).max(4),
  /** Why the account is needed; recorded with the role grant a second admin approves. */
  reason: z.string().trim().min(3).max(200).optional(),
});
export type CreateOfficerRequest = z.infer<typeof CreateOfficerRequest>;

/** An officer account as admins see it: also whether it is disabled. */
export const OfficerAccount = OfficerView.extend({
  disabledAt: z.number().int().nullable(),
  lastLoginAt: z.number().int().nullable(),
  /** The officer's team (the take-up report groups by it); null: none. */
  team: z.string().nullable(),
});
export type OfficerAccount = z.infer<typeof OfficerAccount>;
export const OfficerList = z.object({ officers: z.array(OfficerAccount) });

/** Every change an admin makes to an account says why; the reason goes into the audit trail. */
export const AccountChangeReason = z.string().trim().min(3, 'say why (at least 3 characters)').max(200);
export const AccountChangeRequest = z.object({ reason: AccountChangeReason });
export type AccountChangeRequest = z.infer<typeof AccountChangeRequest>;
export const SetRolesRequest = z.object({ roles: z.array(Role).max(4), reason: AccountChangeReason });
export type SetRolesRequest = z.infer<typeof SetRolesRequest>;
export const ResetPasswordRequest = z.object({
  password: CreateOfficerRequest.shape.password,
  reason: AccountChangeReason,
});
export type ResetPasswordRequest = z.infer<typeof ResetPasswordRequest>;

/**
 * Roles an admin asked for on someone's behalf. They apply only when a second
 * admin (neither the requester nor the subject) approves.
 */
export const RoleGrant = z.object({
  id: z.string(),
  officerId: z.string(),
  officerUsername: z.string(),
  roles: z.array(Role),
  reason: z.string(),
  requestedAt: z.number().int(),
  requestedById: z.string().nullable(),
  requestedByName: z.string().nullable(),
  state: z.enum(['pending', 'approved', 'refused', 'superseded']),
  decidedAt: z.number().int().nullable(),
  decidedById: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decisionReason: z.string().nullable(),
});
export type RoleGrant = z.infer<typeof RoleGrant>;
export const RoleGrantList = z.object({ grants: z.array(RoleGrant) });
/** The result of an account change: the account now, and the grant waiting for approval if roles were added. */
export const AccountChangeResult = z.object({ officer: OfficerAccount, grant: RoleGrant.nullable() });
export type AccountChangeResult = z.infer<typeof AccountChangeResult>;

export const AuditEntry = z.object({
  id: z.string(),
  at: z.number().int(),
  actorType: z.enum(['officer', 'caller', 'system', 'api-client', 'interpreter']),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  subjectId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
});
export const AuditList = z.object({ entries: z.array(AuditEntry) });

export const JoinOpenRequest = z.object({ token: z.string().min(16).max(128) });
export const JoinOpenResponse = z.object({ ok: z.literal(true) });

/**
 * This instance's link to the others (the event bus): `in-process` with one instance;
 * `redis` when several share events through Redis, `down` while Redis cannot be reached.
 */
export const EventsStatus = z.object({
  backend: z.enum(['in-process', 'redis']),
  state: z.enum(['up', 'down']),
  since: z.number().int(),
  lastError: z.string().nullable(),
  /** Events waiting for Redis to come back. */
  queued: z.number().int(),
  /** Events not delivered to other instances because too many waited (since this instance started). */
  dropped: z.number().int(),
});
export type EventsStatus = z.infer<typeof EventsStatus>;

export const SystemStatus = z.object({
  media: MediaPlaneStatus,
  storage: StorageStatus,
  events: EventsStatus,
  version: z.string(),
});
export type SystemStatus = z.infer<typeof SystemStatus>;
