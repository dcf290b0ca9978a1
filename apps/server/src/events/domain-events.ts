import {
  AmlComparison,
  AmlFix,
  CallerMediaState,
  ChatMessage,
  IncidentSummary,
  MediaPlaneStatus,
  OfficerPosition,
  OfficerRequestAction,
  QualityLevel,
  ReceivedFix,
  Role,
  SessionSummary,
  ShareEndReason,
  StorageStatus,
  TimelineEvent,
} from '@sightline/protocol';
import { z } from 'zod';

const sessionId = z.string().min(1).max(64);
const ChatState = z.enum(['sent', 'delivered', 'read']);

/**
 * Every domain event, by name, with the zod schema of its payload. Payloads are plain
 * JSON: they cross to other server instances through Redis, where they are parsed
 * with these schemas before any subscriber sees them.
 */
export const DomainEventSchemas = {
  /** Anything on a session's summary changed (consoles' session lists). */
  'session.updated': z.object({ session: SessionSummary }),
  /** A timeline entry was added. */
  'session.event': z.object({ sessionId, event: TimelineEvent }),
  /** The session ended: the caller's socket closes and its media room closes, wherever they are. */
  'session.ended': z.object({ sessionId, reason: z.string() }),
  'location.fix': z.object({ sessionId, fix: ReceivedFix }),
  /** A network location (AML) message attached to the session, compared with its newest GPS fix. */
  'aml.fix': z.object({ sessionId, fix: AmlFix, comparison: AmlComparison.nullable() }),
  /** An incident was created or closed, or gained or lost a session (every console with incident:read). */
  'incident.updated': z.object({ incident: IncidentSummary }),
  /** A session's evidence list changed. */
  'evidence.updated': z.object({ sessionId }),
  'chat.message': z.object({ sessionId, message: ChatMessage }),
  'chat.status': z.object({
    sessionId,
    id: z.string(),
    clientId: z.string(),
    from: z.enum(['caller', 'officer']),
    state: ChatState,
    at: z.number().int(),
  }),
  /** An officer asked the caller's phone to do something (delivered wherever the caller's socket is). */
  'caller.request': z.object({
    sessionId,
    requestId: z.string(),
    action: OfficerRequestAction,
    officerName: z.string(),
  }),
  'caller.answered': z.object({
    sessionId,
    requestId: z.string(),
    action: OfficerRequestAction,
    accepted: z.boolean(),
  }),
  'caller.media': z.object({ sessionId, state: CallerMediaState }),
  'caller.quality': z.object({ sessionId, level: QualityLevel, kbps: z.number() }),
  /** Who watches the session changed on some instance: every instance reads the shared presence again. */
  'presence.changed': z.object({ sessionId }),
  /** Every sign-in of the officer ended (signed out, disabled, password reset): close their consoles. */
  'officer.signedOut': z.object({ officerId: z.string(), reason: z.string() }),
  /** The officer's roles changed: their open consoles hold the old ones. */
  'officer.rolesChanged': z.object({ officerId: z.string(), roles: z.array(Role) }),
  'job.updated': z.object({
    jobId: z.string(),
    jobType: z.string(),
    requestedBy: z.string(),
    state: z.string(),
    done: z.number(),
    total: z.number(),
  }),
  'outbox.changed': z.object({}),
  /**
   * A share was created or ended. Every instance closes the field officer's views under an
   * ended share at once and tells their page why; consoles watching the session refresh.
   */
  'share.changed': z.object({
    shareId: z.string(),
    officerId: z.string(),
    sessionId: sessionId.nullable(),
    /** Set for an incident share (then sessionId is null): it covers the incident's sessions now. */
    incidentId: z.string().nullable().optional(),
    endReason: ShareEndReason.nullable(),
  }),
  /** A field officer's newest position under a live share (personal data: only to the control room). */
  'officer.position': z.object({ sessionId, position: OfficerPosition }),
  /** This instance's evidence store or spool health changed (local: each instance has its own disks). */
  'storage.changed': z.object({ status: StorageStatus }),
  /** A storage area of this instance takes writes again: retry what waited (local). */
  'storage.recovered': z.object({ area: z.enum(['evidence', 'spool']) }),
  /** This instance's media server health (local: each instance reports its own Janus). */
  'media.status': z.object({ status: MediaPlaneStatus }),
  /** A live view ended; the console holding it may be on another instance. */
  'view.ended': z.object({ viewId: z.string(), ownerId: z.string(), reason: z.string() }),
  /** Two-way: the officer's camera became available to the caller, or stopped. */
  'media.officerVideo': z.object({ sessionId, live: z.boolean() }),
  /** An interpreter consented and is joining the call (the caller's page says so), or their part ended. */
  'interpreter.joined': z.object({
    sessionId,
    interpreterId: z.string(),
    kind: z.enum(['bsl', 'spoken']),
    language: z.string(),
  }),
  'interpreter.ended': z.object({ sessionId, interpreterId: z.string(), reason: z.string() }),
  /** A party's camera in the room came up or went (the others are offered it, wherever their sockets are). */
  'media.feed': z.object({
    sessionId,
    feed: z.enum(['caller', 'officer', 'interpreter']),
    live: z.boolean(),
  }),
  /** The media server came back after a failure: this session's caller must publish again. */
  'media.republishNeeded': z.object({ sessionId }),
  /** An instance now holds this session's media room (the caller published through it). */
  'media.owner': z.object({ sessionId, instanceId: z.string() }),
  /**
   * Request and response of the media RPC (events/bus-rpc.ts): addressed to one instance,
   * ignored by the others. Params and results are checked against each method's schema.
   */
  'rpc.request': z.object({
    id: z.string(),
    to: z.string(),
    method: z.string(),
    params: z.unknown(),
    /** ms since the epoch; a request read after it (a replay after a reconnect) is ignored. */
    deadline: z.number(),
  }),
  'rpc.response': z.object({
    id: z.string(),
    to: z.string(),
    result: z.unknown(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  }),
} as const;

export type DomainEventName = keyof typeof DomainEventSchemas;
export type DomainEvents = { [K in DomainEventName]: z.infer<(typeof DomainEventSchemas)[K]> };

/**
 * Facts about this process only: never sent to other instances. Storage health is
 * about this machine's disks, media status about the Janus this instance drives.
 */
export const LOCAL_EVENTS: ReadonlySet<DomainEventName> = new Set([
  'storage.changed',
  'storage.recovered',
  'media.status',
]);
