import { z } from 'zod';
import {
  CallerMediaState,
  ChatMessage,
  ChatText,
  ClientId,
  ErrorMessage,
  IceCandidate,
  IceServer,
  IceTransportPolicy,
  Language,
  LocationFix,
  MessageId,
  OfficerRequestAction,
  QualityLevel,
  Sdp,
  SessionMode,
  SessionState,
} from './common.js';
import { ConsentText, ConsentTextVersion } from './privacy.js';

/**
 * The phone's platform as the caller's page detected it. The page can see what a server cannot:
 * an iPad's Safari says "Macintosh" in its user agent, and only its touch points give it away.
 */
export const CallerPlatform = z.enum(['ios', 'android', 'other']);
export type CallerPlatform = z.infer<typeof CallerPlatform>;

/**
 * Why the phone's location tracking stopped: the caller refused location, no fix for minutes,
 * the page was in the background and the system stopped location, or no connection for long.
 */
export const TrackingStopReason = z.enum(['denied', 'no-fix', 'background', 'offline']);
export type TrackingStopReason = z.infer<typeof TrackingStopReason>;

/** Messages from the caller's page to the server (WebSocket /ws/caller). */
export const CallerToServer = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('consent'),
    id: MessageId,
    decision: z.enum(['accepted', 'refused']),
    /** The language and version of the text the caller saw (pages from before they existed omit them). */
    language: Language.optional(),
    textVersion: ConsentTextVersion.optional(),
  }),
  /** The consent screen's and privacy notice's text in a language (on welcome and on a language change). */
  z.object({ type: z.literal('privacy.get'), id: MessageId, language: Language }),
  z.object({
    type: z.literal('publish.offer'),
    id: MessageId,
    sdp: Sdp,
    /** Optional: pages from before it existed still publish (the server then reads the user agent). */
    platform: CallerPlatform.optional(),
    /**
     * An ICE restart of the connection already published (same DTLS, same recording): the
     * answer comes as usual; `not_publishing` if the server no longer has that publisher.
     */
    iceRestart: z.boolean().optional(),
  }),
  z.object({ type: z.literal('publish.candidate'), id: MessageId, candidate: IceCandidate }),
  z.object({ type: z.literal('location.fix'), id: MessageId, fix: LocationFix }),
  /**
   * The page's own view of its tracking: stopped (and why, since when by the phone's clock),
   * or running again. Sent when it changes; a stop found offline is sent once back.
   */
  z.object({
    type: z.literal('location.status'),
    id: MessageId,
    stopped: TrackingStopReason.nullable(),
    since: z.number().int().min(0),
  }),
  z.object({
    type: z.literal('permission'),
    id: MessageId,
    kind: z.enum(['camera', 'microphone', 'location']),
    state: z.enum(['granted', 'denied', 'unavailable']),
  }),
  z.object({ type: z.literal('stop'), id: MessageId }),
  z.object({ type: z.literal('ping'), id: MessageId }),
  /** A text message; `sentAt` is when the caller wrote it (it may be sent later, after a reconnect). */
  z.object({
    type: z.literal('chat.send'),
    id: MessageId,
    clientId: ClientId,
    text: ChatText,
    sentAt: z.number().int(),
  }),
  z.object({
    type: z.literal('chat.receipt'),
    id: MessageId,
    ids: z.array(z.string()).min(1).max(200),
    state: z.enum(['delivered', 'read']),
  }),
  z.object({
    type: z.literal('request.answer'),
    id: MessageId,
    requestId: z.string().max(64),
    accepted: z.boolean(),
  }),
  z.object({ type: z.literal('media.state'), id: MessageId, state: CallerMediaState }),
  z.object({
    type: z.literal('quality'),
    id: MessageId,
    level: QualityLevel,
    kbps: z.number().min(0).max(100_000),
  }),
  /** Two-way video: the caller's answer to the officer's video offer. */
  z.object({ type: z.literal('officer-view.answer'), id: MessageId, sdp: Sdp }),
  z.object({ type: z.literal('officer-view.candidate'), id: MessageId, candidate: IceCandidate }),
  /** An interpreter in the call: the caller's answer to the interpreter's video, or declining them. */
  z.object({ type: z.literal('interpreter-view.answer'), id: MessageId, sdp: Sdp }),
  z.object({ type: z.literal('interpreter-view.candidate'), id: MessageId, candidate: IceCandidate }),
  z.object({ type: z.literal('interpreter.decline'), id: MessageId }),
]);
export type CallerToServer = z.infer<typeof CallerToServer>;

export const CallerSessionView = z.object({
  state: SessionState,
  mode: SessionMode,
  language: Language,
  /** Four digits the call handler reads out, so the caller knows the page is genuine. */
  verificationCode: z.string(),
  /** Location-only links end by themselves this long after sharing starts… */
  locationMinutes: z.number().int().nullable(),
  /** …that is, at this time (ms), once sharing has started. */
  locationUntil: z.number().int().nullable(),
  maxUploadBytes: z.number().int(),
  /** The force asking, as configured (a name, e.g. "Thames Valley Police"), shown on the consent
   * screen; null when none is: the page then uses its language's own phrase ("the police"). */
  agency: z.string().nullable(),
  /** Recording is always on; said on the consent screen. */
  recorded: z.literal(true),
});
export type CallerSessionView = z.infer<typeof CallerSessionView>;

/** Messages from the server to the caller's page. */
export const ServerToCaller = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    session: CallerSessionView,
    iceServers: z.array(IceServer),
    iceTransportPolicy: IceTransportPolicy,
    /** Publish VP8 video as simulcast layers (a full one and a light one for thin links). */
    simulcast: z.boolean().optional(),
  }),
  /** Fresh TURN credentials before the last ones expire: used by the next (re)publish. */
  z.object({
    type: z.literal('ice.servers'),
    iceServers: z.array(IceServer),
    iceTransportPolicy: IceTransportPolicy,
  }),
  z.object({ type: z.literal('consent.recorded'), decision: z.enum(['accepted', 'refused']) }),
  /** The answer to privacy.get: the words to show and the version to name when deciding. */
  z.object({ type: z.literal('privacy.text'), version: ConsentTextVersion, text: ConsentText }),
  // offerId echoes the offer's id, so a late answer to an abandoned offer is recognised.
  z.object({ type: z.literal('publish.answer'), sdp: Sdp, offerId: MessageId }),
  /** The media server restarted or the publish failed: create a new connection and publish again. */
  z.object({ type: z.literal('media.restart'), reason: z.string() }),
  z.object({ type: z.literal('session.ended'), reason: z.string() }),
  z.object({ type: z.literal('pong') }),
  /** The fix with this fix time is stored (now or before): the page's device copy may forget it. */
  z.object({ type: z.literal('location.stored'), fixTime: z.number().int() }),
  /** Messages so far (on connect and reconnect), then each new one. */
  z.object({ type: z.literal('chat.history'), messages: z.array(ChatMessage) }),
  z.object({ type: z.literal('chat.message'), message: ChatMessage }),
  z.object({
    type: z.literal('chat.status'),
    id: z.string(),
    clientId: z.string(),
    state: z.enum(['sent', 'delivered', 'read']),
    at: z.number().int(),
  }),
  z.object({
    type: z.literal('officer.request'),
    requestId: z.string(),
    action: OfficerRequestAction,
    officerName: z.string(),
  }),
  /** Two-way video: the officer's camera, offered by the media server. */
  z.object({ type: z.literal('officer-view.offer'), sdp: Sdp }),
  z.object({ type: z.literal('officer-view.ended') }),
  /** An interpreter joined the call (the page says so plainly and lets the caller decline), or left. */
  z.object({ type: z.literal('interpreter.joined'), kind: z.enum(['bsl', 'spoken']), language: z.string() }),
  z.object({ type: z.literal('interpreter.left') }),
  z.object({ type: z.literal('interpreter-view.offer'), sdp: Sdp }),
  z.object({ type: z.literal('interpreter-view.ended') }),
  ErrorMessage,
]);
export type ServerToCaller = z.infer<typeof ServerToCaller>;
