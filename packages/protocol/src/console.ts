import { z } from 'zod';
import { AmlComparison, AmlFix } from './aml.js';
import {
  CallerMediaState,
  ChatMessage,
  ChatText,
  ClientId,
  ErrorMessage,
  IceCandidate,
  IceServer,
  LocationFix,
  MessageId,
  OfficerRequestAction,
  QualityLevel,
  ReceivedFix,
  Sdp,
  ServedLayer,
  VideoLayer,
} from './common.js';
import { IncidentSummary } from './incident.js';
import type { Permission } from './permissions.js';
import {
  MediaPlaneStatus,
  OfficerView,
  SessionSummary,
  StorageStatus,
  TimelineEvent,
  Watcher,
} from './session.js';
import { FieldSession, OfficerPosition, ShareViewEndReason } from './share.js';

const SessionId = z.string().min(1).max(64);
const ViewId = z.string().min(1).max(64);

/** Messages from the officer console to the server (WebSocket /ws/console). */
export const ConsoleToServer = z.discriminatedUnion('type', [
  /** Start receiving location fixes and timeline events for one session. */
  z.object({ type: z.literal('watch'), id: MessageId, sessionId: SessionId }),
  z.object({ type: z.literal('unwatch'), id: MessageId, sessionId: SessionId }),
  /** Ask to watch the live video; the server answers with `view.offer`. */
  z.object({
    type: z.literal('view.start'),
    id: MessageId,
    sessionId: SessionId,
    layer: VideoLayer.optional(),
  }),
  /** Switch a live view between the caller's full and light simulcast layers (no renegotiation). */
  z.object({ type: z.literal('view.layer'), id: MessageId, viewId: ViewId, layer: ServedLayer }),
  z.object({ type: z.literal('view.answer'), id: MessageId, viewId: ViewId, sdp: Sdp }),
  z.object({ type: z.literal('view.candidate'), id: MessageId, viewId: ViewId, candidate: IceCandidate }),
  z.object({ type: z.literal('view.stop'), id: MessageId, viewId: ViewId }),
  z.object({ type: z.literal('ping'), id: MessageId }),
  z.object({
    type: z.literal('chat.send'),
    id: MessageId,
    sessionId: SessionId,
    clientId: ClientId,
    text: ChatText,
  }),
  z.object({
    type: z.literal('chat.receipt'),
    id: MessageId,
    sessionId: SessionId,
    ids: z.array(z.string()).min(1).max(200),
    state: z.enum(['delivered', 'read']),
  }),
  /** Ask the caller's phone to switch camera or use its torch; the caller decides. */
  z.object({
    type: z.literal('request.send'),
    id: MessageId,
    sessionId: SessionId,
    action: OfficerRequestAction,
  }),
  /** Two-way video: the officer publishes their own camera to the caller. */
  z.object({ type: z.literal('officer.publish.offer'), id: MessageId, sessionId: SessionId, sdp: Sdp }),
  z.object({
    type: z.literal('officer.publish.candidate'),
    id: MessageId,
    sessionId: SessionId,
    candidate: IceCandidate,
  }),
  z.object({ type: z.literal('officer.publish.stop'), id: MessageId, sessionId: SessionId }),
  /** An interpreter in the call: watch and hear them (the server answers with `interpreter-view.offer`). */
  z.object({ type: z.literal('interpreter-view.start'), id: MessageId, sessionId: SessionId }),
  z.object({ type: z.literal('interpreter-view.answer'), id: MessageId, sessionId: SessionId, sdp: Sdp }),
  z.object({
    type: z.literal('interpreter-view.candidate'),
    id: MessageId,
    sessionId: SessionId,
    candidate: IceCandidate,
  }),
  z.object({ type: z.literal('interpreter-view.stop'), id: MessageId, sessionId: SessionId }),
  /** A field officer's own position, under one of their live shares (the control room's map shows it). */
  z.object({
    type: z.literal('field.position'),
    id: MessageId,
    shareId: z.string().min(1).max(64),
    fix: LocationFix,
  }),
]);
export type ConsoleToServer = z.infer<typeof ConsoleToServer>;

/**
 * The permission each console message needs (null: any signed-in officer), the
 * socket's half of the route policy table. The server checks it before any
 * handler runs and refuses to start if a message type is missing here.
 */
export const CONSOLE_MESSAGE_PERMISSIONS = {
  watch: 'session:read',
  unwatch: null,
  'view.start': 'session:view-live',
  'view.answer': 'view:connect',
  'view.candidate': 'view:connect',
  'view.stop': 'view:connect',
  'view.layer': 'view:connect',
  ping: null,
  'chat.send': 'session:view-live',
  'chat.receipt': 'session:read',
  'request.send': 'session:view-live',
  'officer.publish.offer': 'session:view-live',
  'officer.publish.candidate': 'session:view-live',
  'officer.publish.stop': 'session:view-live',
  'interpreter-view.start': 'session:view-live',
  'interpreter-view.answer': 'session:view-live',
  'interpreter-view.candidate': 'session:view-live',
  'interpreter-view.stop': 'session:view-live',
  'field.position': 'share:use',
} as const satisfies Record<ConsoleToServer['type'], Permission | null>;

/** Messages from the server to the officer console. */
export const ServerToConsole = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    officer: OfficerView,
    media: MediaPlaneStatus,
    iceServers: z.array(IceServer),
  }),
  /** Fresh TURN credentials before the last ones expire: used by the next view or officer camera. */
  z.object({ type: z.literal('ice.servers'), iceServers: z.array(IceServer) }),
  z.object({ type: z.literal('session.updated'), session: SessionSummary }),
  z.object({ type: z.literal('session.event'), sessionId: SessionId, event: TimelineEvent }),
  z.object({ type: z.literal('location.fix'), sessionId: SessionId, fix: ReceivedFix }),
  /** The newest network location (AML) for the session, and how it compares with the phone's GPS then. */
  z.object({
    type: z.literal('aml.fix'),
    sessionId: SessionId,
    fix: AmlFix,
    comparison: AmlComparison.nullable(),
  }),
  z.object({
    type: z.literal('view.offer'),
    viewId: ViewId,
    sessionId: SessionId,
    sdp: Sdp,
    ref: z.string().optional(),
  }),
  z.object({ type: z.literal('view.ended'), viewId: ViewId, reason: z.string() }),
  z.object({ type: z.literal('media.status'), media: MediaPlaneStatus }),
  /** Evidence store and spool health (sent after hello and on every change). */
  z.object({ type: z.literal('storage.status'), storage: StorageStatus }),
  z.object({ type: z.literal('outbox.updated') }),
  z.object({ type: z.literal('evidence.updated'), sessionId: SessionId }),
  /** An export or redaction job changed state or progress (sent to whoever started it). */
  z.object({
    type: z.literal('job.updated'),
    jobType: z.enum(['export', 'redaction']),
    jobId: z.string(),
    state: z.string(),
    done: z.number().int(),
    total: z.number().int(),
  }),
  z.object({ type: z.literal('pong') }),
  /** An incident was created, closed, or gained or lost a session (consoles with incident:read). */
  z.object({ type: z.literal('incident.updated'), incident: IncidentSummary }),
  z.object({ type: z.literal('chat.message'), sessionId: SessionId, message: ChatMessage }),
  z.object({
    type: z.literal('chat.status'),
    sessionId: SessionId,
    id: z.string(),
    clientId: z.string(),
    state: z.enum(['sent', 'delivered', 'read']),
    at: z.number().int(),
  }),
  z.object({
    type: z.literal('request.answered'),
    sessionId: SessionId,
    requestId: z.string(),
    action: OfficerRequestAction,
    accepted: z.boolean(),
  }),
  z.object({
    type: z.literal('request.sent'),
    sessionId: SessionId,
    requestId: z.string(),
    action: OfficerRequestAction,
    ref: z.string().optional(),
  }),
  z.object({
    type: z.literal('officer.publish.answer'),
    sessionId: SessionId,
    sdp: Sdp,
    ref: z.string().optional(),
  }),
  /** The interpreter's camera is up (start `interpreter-view.start`) or gone. */
  z.object({ type: z.literal('interpreter.video'), sessionId: SessionId, live: z.boolean() }),
  z.object({
    type: z.literal('interpreter-view.offer'),
    sessionId: SessionId,
    sdp: Sdp,
    ref: z.string().optional(),
  }),
  z.object({ type: z.literal('caller.media'), sessionId: SessionId, state: CallerMediaState }),
  z.object({
    type: z.literal('caller.quality'),
    sessionId: SessionId,
    level: QualityLevel,
    kbps: z.number(),
  }),
  /** Who has the session open, on any instance (sent on every change, on watch, and after hello). */
  z.object({ type: z.literal('presence'), sessionId: SessionId, watchers: z.array(Watcher).max(200) }),
  /** A shared session as its field officer may see it (sent on watching through a share, and on changes). */
  z.object({ type: z.literal('field.session'), shareId: z.string(), session: FieldSession }),
  /**
   * A share changed: to its field officer (their list; when ended, their view has been closed
   * and this says why; `left-incident` closes only that session's view under an incident share)
   * and to the control room watching the session or allowed to read the incident (its share list).
   */
  z.object({
    type: z.literal('share.changed'),
    shareId: z.string(),
    sessionId: SessionId.nullable(),
    incidentId: z.string().nullable().optional(),
    endReason: ShareViewEndReason.nullable(),
  }),
  /** A field officer's newest position, for the control room watching the session. */
  z.object({ type: z.literal('officer.position'), sessionId: SessionId, position: OfficerPosition }),
  /** A field officer stopped sharing their position (their share ended): take them off the map. */
  z.object({ type: z.literal('officer.position.gone'), sessionId: SessionId, shareId: z.string() }),
  ErrorMessage,
]);
export type ServerToConsole = z.infer<typeof ServerToConsole>;
