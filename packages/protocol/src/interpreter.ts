import { z } from 'zod';
import {
  ErrorMessage,
  IceCandidate,
  IceServer,
  IceTransportPolicy,
  Language,
  MessageId,
  Sdp,
} from './common.js';

/** A British Sign Language interpreter, or one for a spoken language. */
export const InterpreterKind = z.enum(['bsl', 'spoken']);
export type InterpreterKind = z.infer<typeof InterpreterKind>;

const Text = (max: number) => z.string().trim().min(1).max(max);

/** POST /api/sessions/:id/interpreters: an officer invites an interpreter into a live session. */
export const InterpreterInviteRequest = z.object({
  name: Text(120),
  kind: InterpreterKind,
  /** The language interpreted, in words ("British Sign Language", "Polish"). */
  language: Text(60),
  organisation: Text(120),
  bookingRef: z.string().trim().max(60).default(''),
});
export type InterpreterInviteRequest = z.input<typeof InterpreterInviteRequest>;

/** invited → opened (the link claimed by one browser) → joined (consented) → left; or revoked/expired unopened. */
export const InterpreterState = z.enum(['invited', 'opened', 'joined', 'left', 'revoked', 'expired']);
export type InterpreterState = z.infer<typeof InterpreterState>;

export const InterpreterInvite = z.object({
  id: z.string(),
  sessionId: z.string(),
  name: z.string(),
  kind: InterpreterKind,
  language: z.string(),
  organisation: z.string(),
  bookingRef: z.string(),
  state: InterpreterState,
  invitedBy: z.string(),
  createdAt: z.number().int(),
  /** The link must be opened before this time. */
  openBy: z.number().int(),
  openedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  endReason: z.string().nullable(),
});
export type InterpreterInvite = z.infer<typeof InterpreterInvite>;

/** The invite and, once only, its link (the token is stored as a hash and never shown again). */
export const InterpreterInviteCreated = z.object({
  invite: InterpreterInvite,
  url: z.string(),
});
export type InterpreterInviteCreated = z.infer<typeof InterpreterInviteCreated>;

export const InterpreterInviteList = z.object({ invites: z.array(InterpreterInvite) });

export const InterpreterOpenRequest = z.object({ token: z.string().min(16).max(128) });
export const InterpreterOpenResponse = z.object({ ok: z.literal(true) });

/** Which party's picture and sound a connection carries. */
export const CallFeed = z.enum(['caller', 'officer', 'interpreter']);
export type CallFeed = z.infer<typeof CallFeed>;

/** Messages from the interpreter's page to the server (WebSocket /ws/interpreter). */
export const InterpreterToServer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('consent'), id: MessageId, decision: z.enum(['accepted', 'refused']) }),
  z.object({ type: z.literal('publish.offer'), id: MessageId, sdp: Sdp }),
  z.object({ type: z.literal('publish.candidate'), id: MessageId, candidate: IceCandidate }),
  /** The interpreter's answer to the server's offer of the caller's or the officer's feed. */
  z.object({ type: z.literal('feed.answer'), id: MessageId, feed: CallFeed, sdp: Sdp }),
  z.object({ type: z.literal('feed.candidate'), id: MessageId, feed: CallFeed, candidate: IceCandidate }),
  z.object({ type: z.literal('leave'), id: MessageId }),
  z.object({ type: z.literal('ping'), id: MessageId }),
]);
export type InterpreterToServer = z.infer<typeof InterpreterToServer>;

/** Messages from the server to the interpreter's page. */
export const ServerToInterpreter = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    /** The caller's language, for the page's own wording. */
    language: Language,
    interpreterName: z.string(),
    agency: z.string().nullable(),
    consented: z.boolean(),
    iceServers: z.array(IceServer),
    iceTransportPolicy: IceTransportPolicy,
  }),
  z.object({ type: z.literal('consent.recorded'), decision: z.enum(['accepted', 'refused']) }),
  /** Fresh TURN credentials before the last ones expire: used by the next view or publish. */
  z.object({ type: z.literal('ice.servers'), iceServers: z.array(IceServer) }),
  z.object({ type: z.literal('publish.answer'), sdp: Sdp }),
  /** The caller's or officer's feed, offered by the media server: answer with `feed.answer`. */
  z.object({ type: z.literal('feed.offer'), feed: CallFeed, sdp: Sdp }),
  z.object({ type: z.literal('feed.ended'), feed: CallFeed }),
  /** The interpreter's part is over (removed, declined by the caller, session ended). */
  z.object({ type: z.literal('ended'), reason: z.string() }),
  z.object({ type: z.literal('pong') }),
  ErrorMessage,
]);
export type ServerToInterpreter = z.infer<typeof ServerToInterpreter>;
