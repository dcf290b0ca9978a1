import type { CallerPlatform, IceCandidate, ServedLayer } from '@sightline/protocol';
import type { Actor } from '../audit/audit.service.js';
import type { InterpreterMediaOp } from './interpreter-media.js';

export type Officer = Actor & { type: 'officer' };

/**
 * What signalling asks of the media side, wherever the session's media room is. With one
 * instance this is the MediaService itself; with several (Redis) it is a RoutedMediaGateway
 * that relays to the instance holding the room (media/routed-media-gateway.ts).
 */
export interface MediaGateway {
  // The caller's side: its socket is on this instance.
  /** Publishes the caller's offer here (this instance becomes the session's media owner); returns the answer. */
  publish(sessionId: string, offer: string, platform?: CallerPlatform): Promise<string>;
  /**
   * An ICE restart on the caller's live publisher (a new address): same handle, same recording,
   * viewers untouched. `not_publishing` when there is no such publisher here: publish afresh.
   */
  restartPublisherIce(sessionId: string, offer: string): Promise<string>;
  prepare(sessionId: string): Promise<void>;
  addPublisherCandidate(sessionId: string, candidate: IceCandidate): Promise<void>;
  /** The caller's signalling socket opened or closed on this instance. */
  callerLink(sessionId: string, online: boolean): void;
  callerViewOffer(sessionId: string): Promise<string>;
  callerViewAnswer(sessionId: string, sdp: string): Promise<void>;
  callerViewCandidate(sessionId: string, candidate: IceCandidate): Promise<void>;
  // The officers' side: a console on any instance.
  /** Starts a live view on a simulcast layer (the full one if none is named). */
  startView(
    sessionId: string,
    officer: Officer,
    layer?: ServedLayer,
  ): Promise<{ viewId: string; sdp: string }>;
  /** Moves a live view to the caller's full or light layer. */
  setViewLayer(viewId: string, ownerId: string, layer: ServedLayer): Promise<void>;
  answerView(viewId: string, ownerId: string, sdp: string): Promise<void>;
  addViewerCandidate(viewId: string, ownerId: string, candidate: IceCandidate): Promise<void>;
  stopView(viewId: string, ownerId: string, reason: string): Promise<void>;
  /** Ends every view an officer's console holds (it disconnected). */
  stopViewsOf(ownerId: string, viewIds: Iterable<string>, reason: string): Promise<void>;
  officerPublish(sessionId: string, officer: Officer, offer: string): Promise<string>;
  officerCandidate(sessionId: string, candidate: IceCandidate): Promise<void>;
  officerStop(sessionId: string, officer: Officer): Promise<void>;
  /** An interpreter's camera and the views involving them; returns Janus's SDP where the op has one. */
  interpreterMedia(sessionId: string, op: InterpreterMediaOp): Promise<string | null>;
}
