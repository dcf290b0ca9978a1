import type { CallerPlatform, IceCandidate, ServedLayer } from '@sightline/protocol';
import type { BusRpc } from '../events/bus-rpc.js';
import type { EventBus } from '../events/event-bus.js';
import type { InterpreterMediaOp } from './interpreter-media.js';
import type { MediaGateway, Officer } from './media-gateway.js';
import { type MediaRpcMethods, mediaRpcImpl } from './media-rpc.js';
import type { SessionOwners } from './session-owners.js';

/**
 * MediaGateway for several instances. A session's media room and its Janus handles live
 * on the instance the caller published through (its owner, SessionOwners); whatever
 * reaches another instance for that session (a console's view, the officer's camera, a
 * late ICE candidate from a caller whose socket moved) is relayed to the owner over
 * the bus (BusRpc). `view.ended` comes back as an event. With no owner recorded the
 * call runs here, and fails as it would with one instance (`session_not_live`).
 */
export class RoutedMediaGateway implements MediaGateway {
  /** Views this instance started on another instance: the owner to relay to. */
  readonly #viewHomes = new Map<string, string>();

  constructor(
    private readonly local: MediaGateway,
    private readonly owners: SessionOwners,
    private readonly rpc: BusRpc<MediaRpcMethods>,
    private readonly events: EventBus,
  ) {
    rpc.serve(mediaRpcImpl(local));
    events.subscribe('view.ended', ({ viewId }) => void this.#viewHomes.delete(viewId));
  }

  async publish(sessionId: string, offer: string, platform?: CallerPlatform): Promise<string> {
    const answer = await this.local.publish(sessionId, offer, platform);
    await this.owners.claim(sessionId);
    return answer;
  }

  /**
   * Where the room is: a phone whose socket moved to this instance after a network change still
   * restarts ICE on its publisher there, so its recording and the officers' views carry on (a
   * fresh publish here would split the recording). The owner answers `not_publishing` if it
   * has no publisher, and the page then publishes afresh.
   */
  async restartPublisherIce(sessionId: string, offer: string): Promise<string> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.restartPublisherIce(sessionId, offer);
    return (await this.rpc.call(owner, 'caller.restartIce', { sessionId, offer })).sdp;
  }

  prepare(sessionId: string): Promise<void> {
    return this.local.prepare(sessionId);
  }

  callerLink(sessionId: string, online: boolean): void {
    this.local.callerLink(sessionId, online);
  }

  async addPublisherCandidate(sessionId: string, candidate: IceCandidate): Promise<void> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.addPublisherCandidate(sessionId, candidate);
    await this.rpc.call(owner, 'caller.candidate', { sessionId, candidate });
  }

  async callerViewOffer(sessionId: string): Promise<string> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.callerViewOffer(sessionId);
    return (await this.rpc.call(owner, 'callerView.offer', { sessionId })).sdp;
  }

  async callerViewAnswer(sessionId: string, sdp: string): Promise<void> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.callerViewAnswer(sessionId, sdp);
    await this.rpc.call(owner, 'callerView.answer', { sessionId, sdp });
  }

  async callerViewCandidate(sessionId: string, candidate: IceCandidate): Promise<void> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.callerViewCandidate(sessionId, candidate);
    await this.rpc.call(owner, 'callerView.candidate', { sessionId, candidate });
  }

  async startView(
    sessionId: string,
    officer: Officer,
    layer?: ServedLayer,
  ): Promise<{ viewId: string; sdp: string }> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.startView(sessionId, officer, layer);
    const view = await this.rpc.call(owner, 'view.start', {
      sessionId,
      officer,
      ...(layer ? { layer } : {}),
    });
    this.#viewHomes.set(view.viewId, owner);
    return view;
  }

  async answerView(viewId: string, ownerId: string, sdp: string): Promise<void> {
    const home = this.#viewHomes.get(viewId);
    if (!home) return this.local.answerView(viewId, ownerId, sdp);
    await this.rpc.call(home, 'view.answer', { viewId, ownerId, sdp });
  }

  async setViewLayer(viewId: string, ownerId: string, layer: ServedLayer): Promise<void> {
    const home = this.#viewHomes.get(viewId);
    if (!home) return this.local.setViewLayer(viewId, ownerId, layer);
    await this.rpc.call(home, 'view.layer', { viewId, ownerId, layer });
  }

  async addViewerCandidate(viewId: string, ownerId: string, candidate: IceCandidate): Promise<void> {
    const home = this.#viewHomes.get(viewId);
    if (!home) return this.local.addViewerCandidate(viewId, ownerId, candidate);
    await this.rpc.call(home, 'view.candidate', { viewId, ownerId, candidate });
  }

  async stopView(viewId: string, ownerId: string, reason: string): Promise<void> {
    const home = this.#viewHomes.get(viewId);
    if (!home) return this.local.stopView(viewId, ownerId, reason);
    this.#viewHomes.delete(viewId);
    await this.rpc.call(home, 'view.stop', { viewId, ownerId, reason });
  }

  async stopViewsOf(ownerId: string, viewIds: Iterable<string>, reason: string): Promise<void> {
    const here: string[] = [];
    const elsewhere = new Map<string, string[]>();
    for (const viewId of viewIds) {
      const home = this.#viewHomes.get(viewId);
      if (!home) here.push(viewId);
      else {
        this.#viewHomes.delete(viewId);
        elsewhere.set(home, [...(elsewhere.get(home) ?? []), viewId]);
      }
    }
    await Promise.all([
      this.local.stopViewsOf(ownerId, here, reason),
      ...[...elsewhere].map(([home, ids]) =>
        this.rpc.call(home, 'view.stopAll', { ownerId, viewIds: ids, reason }),
      ),
    ]);
  }

  async officerPublish(sessionId: string, officer: Officer, offer: string): Promise<string> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.officerPublish(sessionId, officer, offer);
    return (await this.rpc.call(owner, 'officer.publish', { sessionId, officer, sdp: offer })).sdp;
  }

  async officerCandidate(sessionId: string, candidate: IceCandidate): Promise<void> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.officerCandidate(sessionId, candidate);
    await this.rpc.call(owner, 'officer.candidate', { sessionId, candidate });
  }

  async officerStop(sessionId: string, officer: Officer): Promise<void> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.officerStop(sessionId, officer);
    await this.rpc.call(owner, 'officer.stop', { sessionId, officer });
  }

  async interpreterMedia(sessionId: string, op: InterpreterMediaOp): Promise<string | null> {
    const owner = await this.remoteOwner(sessionId);
    if (!owner) return this.local.interpreterMedia(sessionId, op);
    return (await this.rpc.call(owner, 'interpreter.media', { sessionId, op })).sdp;
  }

  /** The owner when it is another instance; null when it is this one or nobody. */
  private async remoteOwner(sessionId: string): Promise<string | null> {
    const owner = await this.owners.ownerOf(sessionId);
    return owner && owner !== this.events.instanceId ? owner : null;
  }
}
