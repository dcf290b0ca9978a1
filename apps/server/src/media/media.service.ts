import type { CallerPlatform, IceCandidate, ServedLayer } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Random } from '../adapters/random.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventBus } from '../events/event-bus.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SessionService } from '../sessions/session.service.js';
import { callerVideoCodec } from './caller-codec.js';
import type { InterpreterMediaOp } from './interpreter-media.js';
import type { MediaGateway, Officer } from './media-gateway.js';
import { MediaRoom, type Viewer } from './media-room.js';
import type { MediaNode } from './nodes/media-node.js';
import type { MediaNodes } from './nodes/media-nodes.js';
import type { Recorder } from './recorder.js';

/** A session's room and the media node it is on. */
interface Placed {
  room: MediaRoom;
  node: MediaNode;
}

/**
 * Owns every session's MediaRoom and keeps sessions, evidence and audit in step
 * with what Janus reports. Browsers never see Janus: they hand SDP to us. Each room
 * is on one media node; when that node goes away its callers publish again and
 * their rooms are placed on a healthy node.
 */
export class MediaService implements MediaGateway {
  readonly #rooms = new Map<string, Placed>();
  /** Rooms let go because their caller now publishes through another instance (a WeakSet: they are dropped with the room). */
  readonly #handedOver = new WeakSet<MediaRoom>();
  /** Placements in flight, so a prepare and a publish racing for one session share one room. */
  readonly #placing = new Map<string, Promise<Placed>>();
  /** Sessions whose node went away while no other node was up: told to publish when one is. */
  readonly #waiting = new Set<string>();
  /** Who holds each live view, for the audit entry when it stops. */
  readonly #viewOwners = new Map<string, Officer>();
  /** Sessions whose caller's media has stopped: the timer closes the recording if it does not resume. */
  readonly #stallTimers = new Map<string, NodeJS.Timeout>();
  /** Sessions whose caller has a signalling socket open (to say why the video stopped). */
  readonly #callersOnline = new Set<string>();

  constructor(
    private readonly nodes: MediaNodes,
    private readonly sessions: SessionService,
    private readonly recordings: Recorder,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly settings: { videoBitrate: number; stallGraceMs: number },
    private readonly log: Logger,
    /**
     * Publishes `view.ended`, `media.officerVideo` and `media.republishNeeded` (the caller's
     * socket or the officer's console may be on another instance).
     */
    private readonly events: EventBus,
    /** Whether an interpreter has joined the session: the officer's camera is allowed then, whatever the link's mode. */
    /** Whether an interpreter (that one, given an id) has joined the session's call. */
    private readonly interpreterJoined: (
      sessionId: string,
      interpreterId?: string,
    ) => Promise<boolean> = async () => false,
  ) {
    nodes.on('nodeDown', (node, reason) => this.onNodeDown(node, reason));
    // Rooms died with the old Janus; callers waiting for a node can publish again now.
    nodes.on('nodeUp', () => this.releaseWaiting());
    events.subscribe('session.ended', ({ sessionId, reason }) => this.closeRoom(sessionId, reason, true));
    // The caller published through another instance: that one holds the session's media now.
    events.subscribe('media.owner', ({ sessionId, instanceId }) => {
      if (instanceId === events.instanceId) return;
      const placed = this.#rooms.get(sessionId);
      if (placed) this.#handedOver.add(placed.room);
      return this.closeRoom(sessionId, 'the caller is now connected through another server');
    });
  }

  /** Rooms, live publishers and viewers this instance holds, per media node (the metrics). */
  load(): Map<string, { rooms: number; publishers: number; viewers: number }> {
    const out = new Map<string, { rooms: number; publishers: number; viewers: number }>();
    for (const { room, node } of this.#rooms.values()) {
      const n = out.get(node.id) ?? { rooms: 0, publishers: 0, viewers: 0 };
      n.rooms++;
      if (room.feedId !== null) n.publishers++;
      n.viewers += room.viewers.length;
      out.set(node.id, n);
    }
    return out;
  }

  /** Publishes the caller's offer and returns the SDP answer. The caller must have consented. */
  async publish(sessionId: string, offer: string, platform?: CallerPlatform): Promise<string> {
    const row = await this.sessions.requireConsented(sessionId);
    // No healthy node: media_unavailable, and the page tries again in a moment.
    const placed = await this.placed(sessionId);
    // The recording row is written while Janus works: the DB and Janus round trips overlap.
    const recording = this.recordings.begin(sessionId, placed.node);
    const videoCodec = callerVideoCodec(row.caller_user_agent, platform);
    try {
      const room = await this.ready(placed);
      const answer = await room.publish(offer, recording, videoCodec);
      await recording.saved;
      return answer;
    } catch (err) {
      void recording.saved.then(() => this.recordings.finish(recording.recordingId, false));
      throw err;
    }
  }

  /**
   * A new ICE generation for the caller's live publisher (the phone changed network): the
   * handle, its recording and every viewer stay as they are. The caller must have consented.
   */
  async restartPublisherIce(sessionId: string, offer: string): Promise<string> {
    await this.sessions.requireConsented(sessionId);
    const placed = this.#rooms.get(sessionId);
    if (!placed?.node.connection.ready)
      throw new DomainError('not_publishing', 'no publisher to restart; publish afresh');
    return placed.room.restartIce(offer);
  }

  /**
   * Gets the room and the publisher's handle ready while the caller reads the
   * consent screen, so tapping Start waits for one Janus round trip, not three.
   */
  async prepare(sessionId: string): Promise<void> {
    if (this.nodes.healthy().length === 0) return;
    try {
      (await this.ready(await this.placed(sessionId))).prepare();
    } catch (err) {
      this.log.warn({ err, sessionId }, 'media: preparing the room failed; publishing will retry');
    }
  }

  async addPublisherCandidate(sessionId: string, candidate: IceCandidate): Promise<void> {
    const placed = this.#rooms.get(sessionId);
    if (!placed) throw new DomainError('not_publishing', 'send an offer before ICE candidates');
    await placed.room.addPublisherCandidate(candidate);
  }

  /** Two-way video: publishes the officer's camera into the session; returns Janus's answer. */
  async officerPublish(sessionId: string, officer: Officer, offer: string): Promise<string> {
    const row = await this.sessions.requireConsented(sessionId);
    // An interpreter must see and hear the officer, so their joining allows the officer's camera.
    if (row.mode !== 'two-way' && !(await this.interpreterJoined(sessionId)))
      throw new DomainError('conflict', 'this link was not sent as a two-way video call');
    const placed = await this.placed(sessionId);
    const room = await this.ready(placed);
    const recording = this.recordings.begin(sessionId, placed.node, 'officer');
    try {
      const answer = await room.officer().publish(offer, recording);
      await recording.saved;
      await this.audit.record({
        actor: officer,
        action: 'officer_video.start',
        subject: { type: 'session', id: sessionId },
      });
      await this.sessions.addEvent(sessionId, 'officer_video.started', officer.name, null);
      return answer;
    } catch (err) {
      void recording.saved.then(() => this.recordings.finish(recording.recordingId, false));
      throw err;
    }
  }

  async officerCandidate(sessionId: string, candidate: IceCandidate): Promise<void> {
    await this.requireRoom(sessionId).officer().addCandidate(candidate);
  }

  async officerStop(sessionId: string, officer: Officer): Promise<void> {
    await this.requireRoom(sessionId).officer().stop('stopped by officer');
    await this.sessions.addEvent(sessionId, 'officer_video.stopped', officer.name, null);
  }

  /**
   * An interpreter's camera (published and recorded, attributed to them) and the views that
   * involve them. The interpreter service has checked who they are and that they have joined.
   */
  async interpreterMedia(sessionId: string, op: InterpreterMediaOp): Promise<string | null> {
    const by = op.op === 'publish' ? op.interpreter.id : op.op === 'stop' ? undefined : op.by;
    if (by !== undefined && !(await this.interpreterJoined(sessionId, by)))
      throw new DomainError('forbidden', 'you are no longer in this call');
    if (op.op === 'publish') return this.interpreterPublish(sessionId, op.interpreter, op.sdp);
    const room = this.requireRoom(sessionId);
    const link = room.interpreter();
    switch (op.op) {
      case 'candidate':
        await link.addCandidate(op.candidate);
        return null;
      case 'stop':
        await link.stop(op.reason);
        return null;
      case 'view.offer': {
        const feed =
          op.feed === 'caller' ? room.feedId : op.feed === 'officer' ? room.officerFeedId : link.feedId;
        return link.offerView(op.key, feed);
      }
      case 'view.answer':
        await link.answerView(op.key, op.sdp);
        return null;
      case 'view.candidate':
        await link.viewCandidate(op.key, op.candidate);
        return null;
      case 'view.stop':
        await link.stopView(op.key);
        return null;
    }
  }

  private async interpreterPublish(
    sessionId: string,
    interpreter: { type: 'interpreter'; id: string; name: string },
    offer: string,
  ): Promise<string> {
    await this.sessions.requireConsented(sessionId);
    const placed = await this.placed(sessionId);
    const room = await this.ready(placed);
    const recording = this.recordings.begin(sessionId, placed.node, 'interpreter', interpreter.id);
    try {
      const answer = await room.interpreter().publish(offer, recording);
      await recording.saved;
      await this.audit.record({
        actor: interpreter,
        action: 'interpreter_video.start',
        subject: { type: 'session', id: sessionId },
        detail: { recordingId: recording.recordingId },
      });
      await this.sessions.addEvent(sessionId, 'interpreter_video.started', interpreter.name, null);
      return answer;
    } catch (err) {
      void recording.saved.then(() => this.recordings.finish(recording.recordingId, false));
      throw err;
    }
  }

  /** The caller's view of the officer's camera: Janus's offer for the caller's page. */
  callerViewOffer(sessionId: string): Promise<string> {
    return this.requireRoom(sessionId).officer().subscribeCaller();
  }

  callerViewAnswer(sessionId: string, sdp: string): Promise<void> {
    return this.requireRoom(sessionId).officer().answerCaller(sdp);
  }

  callerViewCandidate(sessionId: string, candidate: IceCandidate): Promise<void> {
    return this.requireRoom(sessionId).officer().callerCandidate(candidate);
  }

  private requireRoom(sessionId: string): MediaRoom {
    const placed = this.#rooms.get(sessionId);
    if (!placed) throw new DomainError('not_publishing', 'no media for this session');
    return placed.room;
  }

  /** Starts a live view for an officer; returns the view id and Janus's offer. */
  async startView(
    sessionId: string,
    officer: Officer,
    layer?: ServedLayer,
  ): Promise<{ viewId: string; sdp: string }> {
    const room = this.#rooms.get(sessionId)?.room;
    if (!room?.feedId) throw new DomainError('session_not_live', 'the caller is not sending video right now');
    const viewId = this.random.id();
    this.#viewOwners.set(viewId, officer);
    let sdp: string;
    try {
      sdp = await room.startView(viewId, officer.id, this.clock.now(), layer);
    } catch (err) {
      this.#viewOwners.delete(viewId);
      throw err;
    }
    // Both written before the offer goes out (no media without an audit entry), side by side:
    // the officer is waiting for the first frame.
    const written = await Promise.allSettled([
      this.audit.record({
        actor: officer,
        action: 'view.start',
        subject: { type: 'session', id: sessionId },
        detail: { viewId, ...(layer ? { layer } : {}) },
      }),
      this.sessions.addEvent(sessionId, 'view.started', officer.name, null),
    ]);
    const failed = written.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // The offer never goes out, and Janus must not keep a viewer the console cannot stop.
      await room.stopView(viewId, 'the view could not be recorded').catch((err) => this.logErr(err));
      this.#viewOwners.delete(viewId);
      throw failed.reason;
    }
    return { viewId, sdp };
  }

  async answerView(viewId: string, ownerId: string, sdp: string): Promise<void> {
    await this.roomOfView(viewId, ownerId).answerView(viewId, sdp);
  }

  /**
   * Switches a view's layer. Not audited: the view itself is (view.start/view.stop), and an
   * adaptive viewer may switch every few seconds on a bad link.
   */
  async setViewLayer(viewId: string, ownerId: string, layer: ServedLayer): Promise<void> {
    await this.roomOfView(viewId, ownerId).setViewLayer(viewId, layer);
  }

  async addViewerCandidate(viewId: string, ownerId: string, candidate: IceCandidate): Promise<void> {
    await this.roomOfView(viewId, ownerId).addViewerCandidate(viewId, candidate);
  }

  async stopView(viewId: string, ownerId: string, reason: string): Promise<void> {
    await this.roomOfView(viewId, ownerId).stopView(viewId, reason);
  }

  /** Ends every view an officer's console holds (it disconnected). */
  async stopViewsOf(ownerId: string, viewIds: Iterable<string>, reason: string): Promise<void> {
    for (const viewId of viewIds) {
      const room = this.findRoomOfView(viewId);
      if (room?.viewers.some((v) => v.viewId === viewId && v.ownerId === ownerId))
        await room.stopView(viewId, reason);
    }
  }

  /** The caller's signalling socket opened or closed. */
  callerLink(sessionId: string, online: boolean): void {
    if (online) this.#callersOnline.add(sessionId);
    else this.#callersOnline.delete(sessionId);
  }

  /** Closes every room (shutdown). */
  async closeAll(reason: string): Promise<void> {
    for (const id of [...this.#rooms.keys()]) await this.closeRoom(id, reason);
  }

  /**
   * Closes this instance's hold on the session's room. Only when the session has ended is the
   * Janus room destroyed: otherwise (a shutdown, the caller now connected through another
   * instance) another instance may be using the same room on the same node.
   */
  private async closeRoom(sessionId: string, reason: string, sessionEnded = false): Promise<void> {
    const placed = this.#rooms.get(sessionId);
    this.clearStall(sessionId);
    this.#waiting.delete(sessionId);
    if (!placed) return;
    await placed.room.close(reason);
    if (this.#rooms.get(sessionId) === placed) this.#rooms.delete(sessionId);
    if (!sessionEnded) return placed.node.forgetRoom(sessionId);
    try {
      await placed.node.destroyRoom(sessionId);
    } catch (err) {
      this.log.warn({ err, sessionId, node: placed.node.id }, 'media: could not destroy room');
    }
  }

  /** The session's room, placed on a healthy node on first use (shared with a placement in flight). */
  private placed(sessionId: string): Promise<Placed> {
    const placed = this.#rooms.get(sessionId);
    if (placed?.node.connection.ready) return Promise.resolve(placed);
    if (placed) {
      // Placed just as its node went away: let it go and place the room afresh.
      this.#rooms.delete(sessionId);
      void placed.room.close('media node lost').catch((err) => this.logErr(err));
    }
    let pending = this.#placing.get(sessionId);
    if (!pending) {
      pending = this.nodes.place(sessionId).then((node) => {
        const p: Placed = { node, room: this.createRoom(sessionId, node) };
        this.#rooms.set(sessionId, p);
        this.#waiting.delete(sessionId);
        return p;
      });
      this.#placing.set(sessionId, pending);
      const done = () => this.#placing.delete(sessionId);
      pending.then(done, done);
    }
    return pending;
  }

  /** The placed room once its node has the Janus room (created once per connection). */
  private async ready(placed: Placed): Promise<MediaRoom> {
    await placed.node.createRoom(placed.room.sessionId, this.settings.videoBitrate);
    return placed.room;
  }

  /**
   * A node's connection dropped: every handle on it is gone (publishers and viewers have
   * already been told by their handles). Its rooms are let go, and their callers publish
   * again at once if another node is up, or as soon as one is.
   */
  private onNodeDown(node: MediaNode, reason: string): void {
    let lost = 0;
    for (const [sessionId, placed] of this.#rooms) {
      if (placed.node !== node) continue;
      this.#rooms.delete(sessionId);
      void placed.room.close(`media node lost: ${reason}`).catch((err) => this.logErr(err));
      this.#waiting.add(sessionId);
      lost++;
    }
    if (lost) this.log.warn({ node: node.id, reason, rooms: lost }, 'media: a media node went away');
    this.releaseWaiting();
  }

  private releaseWaiting(): void {
    if (this.#waiting.size === 0 || this.nodes.healthy().length === 0) return;
    const ids = [...this.#waiting];
    this.#waiting.clear();
    for (const sessionId of ids) this.events.publish('media.republishNeeded', { sessionId });
  }

  private createRoom(sessionId: string, node: MediaNode): MediaRoom {
    const room = new MediaRoom(sessionId, node.api, this.log.child({ sessionId, node: node.id }));
    room.on('publisherUp', () => {
      // The caller's camera (back) up: offered again to the interpreter, who lost it on the way down.
      if (!this.#handedOver.has(room))
        this.events.publish('media.feed', { sessionId, feed: 'caller', live: true });
      void this.sessions.setPublishing(sessionId, true, null).catch((err) => this.logErr(err));
    });
    room.on('publisherStalled', (recordingId) => this.onStalled(room, recordingId));
    room.on('publisherFlowing', () => {
      this.clearStall(sessionId);
      void this.sessions.videoResumed(sessionId).catch((err) => this.logErr(err));
    });
    room.on('publisherDown', (recordingId, reason, janusGone) => {
      this.clearStall(sessionId);
      if (!this.#handedOver.has(room))
        this.events.publish('media.feed', { sessionId, feed: 'caller', live: false });
      // A room let go because the caller now publishes through another instance: that one
      // marks the session publishing; marking it stopped from here could land after, and the
      // console would show the video stopped while it plays.
      if (!this.#handedOver.has(room))
        void this.sessions.setPublishing(sessionId, false, reason).catch((err) => this.logErr(err));
      void this.recordings.finish(recordingId, janusGone).catch((err) => this.logErr(err));
    });
    // Two-way calls: the officer's camera goes to the caller's page once Janus has it,
    // and its recording is finished (and sealed, ingested) like the caller's.
    room.on('officerUp', () => {
      this.events.publish('media.officerVideo', { sessionId, live: true });
      this.events.publish('media.feed', { sessionId, feed: 'officer', live: true });
    });
    room.on('officerDown', (recordingId, _reason, janusGone) => {
      this.events.publish('media.officerVideo', { sessionId, live: false });
      this.events.publish('media.feed', { sessionId, feed: 'officer', live: false });
      void this.recordings.finish(recordingId, janusGone).catch((err) => this.logErr(err));
    });
    // An interpreter's camera: offered to the caller and the officers; recorded like the others.
    room.on('interpreterUp', () =>
      this.events.publish('media.feed', { sessionId, feed: 'interpreter', live: true }),
    );
    room.on('interpreterDown', (recordingId, _reason, janusGone) => {
      this.events.publish('media.feed', { sessionId, feed: 'interpreter', live: false });
      void this.recordings.finish(recordingId, janusGone).catch((err) => this.logErr(err));
    });
    room.on(
      'viewerEnded',
      (viewer, reason) => void this.onViewerEnded(sessionId, viewer, reason).catch((err) => this.logErr(err)),
    );
    return room;
  }

  /**
   * No media from the caller: tell consoles now, and if it does not come back within the
   * grace, close the publisher so Janus finalises the recording and it becomes evidence.
   * A caller who returns later publishes afresh (a new recording segment).
   */
  private onStalled(room: MediaRoom, recordingId: string): void {
    const { sessionId } = room;
    const reason = this.#callersOnline.has(sessionId)
      ? 'no video reaching the server'
      : 'caller disconnected';
    void this.sessions.videoStopped(sessionId, reason).catch((err) => this.logErr(err));
    this.clearStall(sessionId);
    const grace = this.settings.stallGraceMs;
    const timer = setTimeout(() => {
      this.#stallTimers.delete(sessionId);
      const why = `no media from the caller for ${Math.round(grace / 1000)} s; recording closed`;
      void room.unpublishRecording(recordingId, why).catch((err) => this.logErr(err));
    }, grace);
    timer.unref();
    this.#stallTimers.set(sessionId, timer);
  }

  private clearStall(sessionId: string): void {
    const timer = this.#stallTimers.get(sessionId);
    if (timer) clearTimeout(timer);
    this.#stallTimers.delete(sessionId);
  }

  private async onViewerEnded(sessionId: string, viewer: Viewer, reason: string): Promise<void> {
    const officer = this.#viewOwners.get(viewer.viewId);
    this.#viewOwners.delete(viewer.viewId);
    // The console hears first, whatever happens to the writes below: a console that keeps its
    // view through a stall would otherwise show a dead view as paused for good.
    this.events.publish('view.ended', { viewId: viewer.viewId, ownerId: viewer.ownerId, reason });
    const durationMs = this.clock.now() - viewer.startedAt;
    await this.audit.record({
      actor: officer ?? { type: 'system' },
      action: 'view.stop',
      subject: { type: 'session', id: sessionId },
      detail: { viewId: viewer.viewId, reason, durationMs },
    });
    await this.sessions.addEvent(sessionId, 'view.stopped', officer?.name ?? null, reason);
  }

  private roomOfView(viewId: string, ownerId: string): MediaRoom {
    const room = this.findRoomOfView(viewId);
    if (!room?.viewers.some((v) => v.viewId === viewId && v.ownerId === ownerId)) {
      throw new DomainError('unknown_view', 'no such view (it may have ended)');
    }
    return room;
  }

  private findRoomOfView(viewId: string): MediaRoom | undefined {
    for (const { room } of this.#rooms.values()) if (room.hasViewer(viewId)) return room;
    return undefined;
  }

  private logErr(err: unknown): void {
    this.log.error({ err }, 'media: follow-up failed');
  }
}
