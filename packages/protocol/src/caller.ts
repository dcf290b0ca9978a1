import { z } from 'zod';
import {
  ErrorMessage,
  IceCandidate,
  IceServer,
  LocationFix,
  MessageId,
  Sdp,
  SessionState,
} from './common.js';

/** Messages from the caller's page to the server (WebSocket /ws/caller). */
export const CallerToServer = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('consent'),
    id: MessageId,
    decision: z.enum(['accepted', 'refused']),
  }),
  z.object({ type: z.literal('publish.offer'), id: MessageId, sdp: Sdp }),
  z.object({ type: z.literal('publish.candidate'), id: MessageId, candidate: IceCandidate }),
  z.object({ type: z.literal('location.fix'), id: MessageId, fix: LocationFix }),
  z.object({
    type: z.literal('permission'),
    id: MessageId,
    kind: z.enum(['camera', 'microphone', 'location']),
    state: z.enum(['granted', 'denied', 'unavailable']),
  }),
  z.object({ type: z.literal('stop'), id: MessageId }),
  z.object({ type: z.literal('ping'), id: MessageId }),
]);
export type CallerToServer = z.infer<typeof CallerToServer>;

export const CallerSessionView = z.object({
  state: SessionState,
  /** The force or service asking, shown on the consent screen. */
  agency: z.string(),
  /** Recording is always on; said on the consent screen. */
  recorded: z.literal(true),
});
export type CallerSessionView = z.infer<typeof CallerSessionView>;

/** Messages from the server to the caller's page. */
export const ServerToCaller = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), session: CallerSessionView, iceServers: z.array(IceServer) }),
  z.object({ type: z.literal('consent.recorded'), decision: z.enum(['accepted', 'refused']) }),
  z.object({ type: z.literal('publish.answer'), sdp: Sdp }),
  /** The media server restarted or the publish failed: create a new connection and publish again. */
  z.object({ type: z.literal('media.restart'), reason: z.string() }),
  z.object({ type: z.literal('session.ended'), reason: z.string() }),
  z.object({ type: z.literal('pong') }),
  ErrorMessage,
]);
export type ServerToCaller = z.infer<typeof ServerToCaller>;
