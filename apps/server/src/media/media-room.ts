import type { IceCandidate, ServedLayer } from '@sightline/protocol';
import { JANUS_LOST, type JanusHandle } from '../adapters/janus/janus-handle.js';
import type { VideoRoomApi } from '../adapters/janus/videoroom.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { InterpreterLink } from './interpreter-link.js';
import { OfficerLink } from './officer-link.js';
import { ViewAhead } from './view-ahead.js';

export interface RoomEvents {
  /** The caller's media is flowing into Janus. */
  publisherUp: (recordingId: string) => void;
  /** Janus stopped receiving any of the caller's media (no packet for its no-media time), or it came back. */
  publisherStalled: (recordingId: string) => void;
  publisherFlowing: (recordingId: string) => void;
  /** The caller's PeerConnection is gone; `janusGone` if Janus itself went away. */
  publisherDown: (recordingId: string, reason: string, janusGone: boolean) => void;
  viewerEnded: (viewer: Viewer, reason: string) => void;
  /** Two-way: the officer's camera is up (offer it to the caller) or down. */
  officerUp: () => void;
  officerDown: (recordingId: string, reason: string, janusGone: boolean) => void;
  /** An interpreter's camera is up (offer it to the caller and officers) or down. */
  interpreterUp: () => void;
  interpreterDown: (recordingId: string, reason: string, janusGone: boolean) => void;
}

interface Publisher {
  handle: JanusHandle;
  feedId: string;
  recordingId: string;
  up: boolean;
  /** Whether each m-line (by mid) is receiving, as Janus last reported. */
  receiving: Map<string, boolean>;
  stalled: boolean;
}

export interface Viewer {
  viewId: string;
  handle: JanusHandle;
  ownerId: string;
  startedAt: number;
}

type Candidate = NonNullable<IceCandidate> | null;

/**
 * One session's media: a Janus room with the caller as its only publisher and
 * any number of officer viewers. `close()` is idempotent and closes every
 * child with a reason.
 */
export class MediaRoom extends TypedEmitter<RoomEvents> {
  #publisher: Publisher | null = null;
  #publisherPending: Candidate[] = [];
  #publishesInFlight = 0;
  /** A handle attached ahead of time, so publishing costs one Janus round trip instead of two. */
  #spare: Promise<JanusHandle | null> | null = null;
  #publishing: Promise<unknown> = Promise.resolve();
  readonly #viewers = new Map<string, Viewer>();
  #officer: OfficerLink | null = null;
  #interpreter: InterpreterLink | null = null;
  /** The first officer's subscription, made as soon as the caller's video is up. */
  readonly #ahead: ViewAhead;
  #closed = false;

  constructor(
    readonly sessionId: string,
    private readonly api: VideoRoomApi,
    private readonly log: Logger,
  ) {
    super();
    this.#ahead = new ViewAhead(sessionId, api, log);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get feedId(): string | null {
    return this.#publisher?.up ? this.#publisher.feedId : null;
  }

  get viewers(): Viewer[] {
    return [...this.#viewers.values()];
  }

  /**
   * Publishes the caller's offer, replacing any earlier publisher (a reload or
   * reconnect). Returns Janus's answer. Calls are serialised per room.
   */
  publish(
    offer: string,
    recording: { recordingId: string; fileBase: string },
    videoCodec?: 'vp8' | 'h264',
  ): Promise<string> {
    this.#publishesInFlight++;
    const run = this.#publishing.then(() => this.#publish(offer, recording, videoCodec));
    this.#publishing = run.catch(() => {});
    return run.finally(() => this.#publishesInFlight--);
  }

  async #publish(
    offer: string,
    recording: { recordingId: string; fileBase: string },
    videoCodec: 'vp8' | 'h264' | undefined,
  ): Promise<string> {
    this.assertOpen();
    await this.unpublish('replaced by a new connection');
    const spare = await this.#spare;
    this.#spare = null;
    const handle = spare?.alive ? spare : await this.api.attach(`publisher:${this.sessionId}`);
    const pub: Publisher = {
      handle,
      feedId: `caller-${recording.recordingId.slice(0, 8)}`,
      recordingId: recording.recordingId,
      up: false,
      receiving: new Map(),
      stalled: false,
    };
    this.#publisher = pub;
    handle.on('webrtcup', () => {
      pub.up = true;
      // Before telling anyone: the console that hears of it asks to view within milliseconds.
      if (this.#publisher === pub && !this.#closed) this.#ahead.prepare(pub.feedId);
      this.safeEmit('publisherUp', pub.recordingId);
    });
    // A phone that dies sends no hang-up; its connection stays up in Janus while nothing
    // arrives. Janus reports each m-line that stops (and starts again): stalled = none receiving.
    handle.on('media', (m) => {
      if (this.#publisher !== pub) return;
      pub.receiving.set(m.mid ?? m.type, m.receiving);
      const stalled = ![...pub.receiving.values()].some(Boolean);
      if (stalled === pub.stalled) return;
      pub.stalled = stalled;
      // Media back after a gap (a network change, an ICE restart): the viewers' decoders lost
      // frames and need a keyframe; asking now saves waiting for their own request (~0.7 s).
      if (!stalled)
        void this.api
          .requestKeyframe(pub.handle)
          .catch((err: unknown) => this.log.warn({ err }, 'media: keyframe request failed'));
      this.safeEmit(stalled ? 'publisherStalled' : 'publisherFlowing', pub.recordingId);
    });
    // markGone() reports a lost connection as this hangup reason: Janus is gone, so are its open files' writers.
    handle.on('hangup', (reason) => void this.dropPublisher(pub, reason, reason === JANUS_LOST));
    handle.on('detached', () => void this.dropPublisher(pub, 'detached', false));
    // Candidates that arrived before the handle existed.
    for (const c of this.#publisherPending.splice(0)) void handle.trickle(c).catch(() => {});
    const answer = await this.api.publish(handle, {
      room: this.sessionId,
      id: pub.feedId,
      display: 'caller',
      offer: { type: 'offer', sdp: offer },
      recordingBase: recording.fileBase,
      ...(videoCodec ? { videoCodec } : {}),
    });
    return answer.sdp;
  }

  /**
   * Restarts ICE on the caller's live publisher with the page's new offer (same PeerConnection,
   * new credentials and candidates): Janus keeps the handle, its DTLS and its recording, and
   * viewers keep their subscriptions. Serialised with publishes. `not_publishing` if there is
   * no publisher (replaced, or closed after the stall grace): the page then publishes afresh.
   */
  restartIce(offer: string): Promise<string> {
    const run = this.#publishing.then(async () => {
      this.assertOpen();
      const pub = this.#publisher;
      if (!pub) throw new DomainError('not_publishing', 'no publisher to restart; publish afresh');
      const answer = await this.api.renegotiate(pub.handle, { type: 'offer', sdp: offer });
      if (this.#publisher !== pub) throw new DomainError('not_publishing', 'the publisher was replaced');
      this.log.info({ sessionId: this.sessionId }, 'media: publisher ICE restarted');
      return answer.sdp;
    });
    this.#publishing = run.catch(() => {});
    return run;
  }

  /** The two-way link (the officer's camera and the caller's view of it), created on first use. */
  officer(): OfficerLink {
    this.assertOpen();
    this.#officer ??= new OfficerLink(
      this.sessionId,
      this.api,
      {
        officerUp: () => this.safeEmit('officerUp'),
        officerDown: (recordingId, reason, gone) => this.safeEmit('officerDown', recordingId, reason, gone),
      },
      this.log,
    );
    return this.#officer;
  }

  /** The officer's camera feed while it is up (for an interpreter to watch). */
  get officerFeedId(): string | null {
    return this.#officer?.feedId ?? null;
  }

  /** The interpreter's camera and every view involving them, created on first use. */
  interpreter(): InterpreterLink {
    this.assertOpen();
    this.#interpreter ??= new InterpreterLink(
      this.sessionId,
      this.api,
      {
        interpreterUp: () => this.safeEmit('interpreterUp'),
        interpreterDown: (recordingId, reason, gone) =>
          this.safeEmit('interpreterDown', recordingId, reason, gone),
      },
      this.log,
    );
    return this.#interpreter;
  }

  /** Attaches the publisher's handle before the caller taps Start (best effort). */
  prepare(): void {
    if (this.#closed || this.#spare) return;
    this.#spare = this.api.attach(`publisher:${this.sessionId}`).catch(() => null);
  }

  /** Relays one of the caller's ICE candidates (null = end of candidates). */
  async addPublisherCandidate(candidate: Candidate): Promise<void> {
    const pub = this.#publisher;
    if (!pub && this.#publishesInFlight === 0) {
      throw new DomainError('not_publishing', 'send an offer before ICE candidates');
    }
    if (!pub) {
      // The offer is on its way to Janus; hold the candidate until its handle exists.
      this.#publisherPending.push(candidate);
      if (this.#publisherPending.length > 50) this.#publisherPending.shift();
      return;
    }
    await pub.handle.trickle(candidate);
  }

  /** Stops the current publisher, if any; Janus then closes its recording. */
  async unpublish(reason: string): Promise<void> {
    const pub = this.#publisher;
    if (pub) await this.dropPublisher(pub, reason, false);
  }

  /** Stops the publisher if it is still this recording's (a newer publish may have replaced it). */
  async unpublishRecording(recordingId: string, reason: string): Promise<void> {
    const pub = this.#publisher;
    if (pub?.recordingId === recordingId) await this.dropPublisher(pub, reason, false);
  }

  /**
   * Subscribes a viewer to the caller's feed, on the given simulcast layer (Janus's default,
   * the best one, if none); returns Janus's offer for the viewer.
   */
  async startView(viewId: string, ownerId: string, now: number, layer?: ServedLayer): Promise<string> {
    this.assertOpen();
    const feed = this.feedId;
    const publisher = this.#publisher;
    if (!feed) throw new DomainError('session_not_live', 'the caller is not sending video right now');
    // The subscription made ahead serves Janus's default layer, the best one. A first view on
    // the light layer (a wall tile) lets it go rather than leave it idle in Janus.
    const best = !layer || layer === 'high';
    const ahead = best ? await this.#ahead.take(feed) : null;
    if (!best) void this.#ahead.discard();
    const handle = ahead?.handle ?? (await this.api.attach(`viewer:${this.sessionId}`));
    const viewer: Viewer = { viewId, handle, ownerId, startedAt: now };
    this.#viewers.set(viewId, viewer);
    handle.on('hangup', (reason) => void this.stopView(viewId, reason));
    handle.on('event', (data) => {
      // Janus tells subscribers when the feed they watch goes away.
      if (data.videoroom === 'event' && (data.unpublished !== undefined || data.leaving !== undefined)) {
        void this.stopView(viewId, 'caller stopped sending');
      }
    });
    let sdp: string;
    try {
      sdp =
        ahead?.sdp ??
        (await this.api.subscribe(handle, { room: this.sessionId, feed, ...(layer ? { layer } : {}) })).sdp;
    } catch (err) {
      await this.stopView(viewId, 'subscribe failed');
      throw err;
    }
    // The caller may have republished while we subscribed: this viewer then hangs on a feed
    // that is gone, and nobody would tell the officer (dropPublisher ran before it was listed,
    // or Janus still had the old feed). Found by the republish soak test; the console retries.
    if (this.#publisher !== publisher || this.#closed) {
      await this.stopView(viewId, 'caller reconnected');
      throw new DomainError('session_not_live', 'the caller is reconnecting; try again');
    }
    return sdp;
  }

  /** Moves a viewer to the caller's full or light layer (a no-op for a publisher without simulcast). */
  async setViewLayer(viewId: string, layer: ServedLayer): Promise<void> {
    await this.api.setLayer(this.requireViewer(viewId).handle, layer);
  }

  async answerView(viewId: string, sdp: string): Promise<void> {
    const viewer = this.requireViewer(viewId);
    await this.api.start(viewer.handle, { type: 'answer', sdp });
  }

  async addViewerCandidate(viewId: string, candidate: Candidate): Promise<void> {
    await this.requireViewer(viewId).handle.trickle(candidate);
  }

  /** Ends one viewer; safe to call twice. */
  async stopView(viewId: string, reason: string): Promise<Viewer | null> {
    const viewer = this.#viewers.get(viewId);
    if (!viewer) return null;
    this.#viewers.delete(viewId);
    this.safeEmit('viewerEnded', viewer, reason); // before the await, as in dropPublisher
    await viewer.handle.detach();
    return viewer;
  }

  hasViewer(viewId: string): boolean {
    return this.#viewers.has(viewId);
  }

  /** Closes viewers, then the publisher. Idempotent. */
  async close(reason: string): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#viewers.keys()]) await this.stopView(id, reason);
    await this.#officer?.stop(reason);
    await this.#interpreter?.stop(reason);
    await this.#publishing;
    await this.unpublish(reason);
    await (await this.#spare)?.detach();
    this.#spare = null;
    await this.#ahead.discard();
    this.removeAllListeners();
  }

  private async dropPublisher(pub: Publisher, reason: string, janusGone: boolean): Promise<void> {
    if (this.#publisher !== pub) return;
    this.#publisher = null;
    this.log.info({ sessionId: this.sessionId, reason }, 'media: publisher gone');
    // Report before any await: a concurrent close() removes listeners, and the
    // recording must reach the evidence pipeline whatever else is in flight.
    this.safeEmit('publisherDown', pub.recordingId, reason, janusGone);
    void this.#ahead.discard();
    for (const id of [...this.#viewers.keys()]) await this.stopView(id, 'caller stopped sending');
    if (!janusGone) await pub.handle.detach();
  }

  private requireViewer(viewId: string): Viewer {
    const viewer = this.#viewers.get(viewId);
    if (!viewer) throw new DomainError('unknown_view', 'no such view (it may have ended)');
    return viewer;
  }

  private assertOpen(): void {
    if (this.#closed) throw new DomainError('session_ended', 'this session has ended');
  }
}
