import { IceCandidate, Sdp, ServedLayer } from '@sightline/protocol';
import { z } from 'zod';
import type { RpcImpl } from '../events/bus-rpc.js';
import { InterpreterMediaOp } from './interpreter-media.js';
import type { MediaGateway } from './media-gateway.js';

const sessionId = z.string().min(1).max(64);
const viewId = z.string().min(1).max(64);
const ownerId = z.string().min(1).max(64);
const Officer = z.object({ type: z.literal('officer'), id: z.string(), name: z.string() });
const none = z.null();

/**
 * What one instance may ask of the instance holding a session's media room. Each is a
 * MediaGateway method; params and results are checked with these schemas on arrival.
 */
export const MediaRpcMethods = {
  'view.start': {
    params: z.object({ sessionId, officer: Officer, layer: ServedLayer.optional() }),
    result: z.object({ viewId, sdp: z.string() }),
  },
  'view.layer': { params: z.object({ viewId, ownerId, layer: ServedLayer }), result: none },
  'view.answer': { params: z.object({ viewId, ownerId, sdp: Sdp }), result: none },
  'view.candidate': { params: z.object({ viewId, ownerId, candidate: IceCandidate }), result: none },
  'view.stop': { params: z.object({ viewId, ownerId, reason: z.string() }), result: none },
  'view.stopAll': {
    params: z.object({ ownerId, viewIds: z.array(viewId).max(100), reason: z.string() }),
    result: none,
  },
  'officer.publish': {
    params: z.object({ sessionId, officer: Officer, sdp: Sdp }),
    result: z.object({ sdp: z.string() }),
  },
  'officer.candidate': { params: z.object({ sessionId, candidate: IceCandidate }), result: none },
  'officer.stop': { params: z.object({ sessionId, officer: Officer }), result: none },
  'caller.candidate': { params: z.object({ sessionId, candidate: IceCandidate }), result: none },
  'caller.restartIce': { params: z.object({ sessionId, offer: Sdp }), result: z.object({ sdp: z.string() }) },
  'callerView.offer': { params: z.object({ sessionId }), result: z.object({ sdp: z.string() }) },
  'callerView.answer': { params: z.object({ sessionId, sdp: Sdp }), result: none },
  'callerView.candidate': { params: z.object({ sessionId, candidate: IceCandidate }), result: none },
  'interpreter.media': {
    params: z.object({ sessionId, op: InterpreterMediaOp }),
    result: z.object({ sdp: z.string().nullable() }),
  },
} as const;

export type MediaRpcMethods = typeof MediaRpcMethods;

/** Serves the relayed calls with this instance's own media. */
export function mediaRpcImpl(local: MediaGateway): RpcImpl<MediaRpcMethods> {
  const done = async (p: Promise<void>) => {
    await p;
    return null;
  };
  return {
    'view.start': (p) => local.startView(p.sessionId, p.officer, p.layer),
    'view.layer': (p) => done(local.setViewLayer(p.viewId, p.ownerId, p.layer)),
    'view.answer': (p) => done(local.answerView(p.viewId, p.ownerId, p.sdp)),
    'view.candidate': (p) => done(local.addViewerCandidate(p.viewId, p.ownerId, p.candidate)),
    'view.stop': (p) => done(local.stopView(p.viewId, p.ownerId, p.reason)),
    'view.stopAll': (p) => done(local.stopViewsOf(p.ownerId, p.viewIds, p.reason)),
    'officer.publish': async (p) => ({ sdp: await local.officerPublish(p.sessionId, p.officer, p.sdp) }),
    'officer.candidate': (p) => done(local.officerCandidate(p.sessionId, p.candidate)),
    'officer.stop': (p) => done(local.officerStop(p.sessionId, p.officer)),
    'caller.candidate': (p) => done(local.addPublisherCandidate(p.sessionId, p.candidate)),
    'caller.restartIce': async (p) => ({ sdp: await local.restartPublisherIce(p.sessionId, p.offer) }),
    'callerView.offer': async (p) => ({ sdp: await local.callerViewOffer(p.sessionId) }),
    'callerView.answer': (p) => done(local.callerViewAnswer(p.sessionId, p.sdp)),
    'callerView.candidate': (p) => done(local.callerViewCandidate(p.sessionId, p.candidate)),
    'interpreter.media': async (p) => ({ sdp: await local.interpreterMedia(p.sessionId, p.op) }),
  };
}
