import type { IceServer, ServedLayer, ServerToConsole, VideoLayer } from '@sightline/protocol';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import {
  initialLayerState,
  type LayerPolicyState,
  type LinkCounters,
  linkCounters,
  linkSample,
  nextLayer,
} from './layer-policy.js';
import {
  EMPTY_STATS,
  readVideoStats,
  type StatsSample,
  type VideoStats,
  videoInbound,
} from './video-stats.js';

/**
 * - idle: nothing to watch (caller not publishing)
 * - requesting: view.start sent, waiting for Janus's offer
 * - connecting: answered, waiting for media
 * - playing: media is flowing
 * - interrupted: we had (or asked for) video and lost it; retrying while the caller publishes
 */
export type ViewerPhase = 'idle' | 'requesting' | 'connecting' | 'playing' | 'interrupted';

export interface ViewerState {
  phase: ViewerPhase;
  stream: MediaStream | null;
  stats: VideoStats;
  /** A problem worth telling the officer about (not "not live yet", which is normal). */
  problem: string | null;
  /** The layer asked for (`auto` adapts to this viewer's link) and the one being served now. */
  layer: VideoLayer;
  served: ServedLayer;
}

/** The parts of RTCPeerConnection we use, so tests can pass a fake. */
export interface PeerLike {
  connectionState: string;
  ontrack: ((ev: { streams: readonly MediaStream[]; track: MediaStreamTrack }) => void) | null;
  onicecandidate: ((ev: { candidate: RTCIceCandidate | null }) => void) | null;
  onconnectionstatechange: (() => void) | null;
  setRemoteDescription(desc: RTCSessionDescriptionInit): Promise<void>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
  setLocalDescription(desc: RTCSessionDescriptionInit): Promise<void>;
  getStats(): Promise<{ values(): Iterable<Record<string, unknown>> }>;
  close(): void;
}

type ViewerSocket = Pick<ConsoleSocket, 'send' | 'onMessage' | 'onOpen' | 'connected'>;

export interface LiveViewerDeps {
  socket: ViewerSocket;
  iceServers: () => IceServer[];
  createPeer?: (config: RTCConfiguration) => PeerLike;
  /** First retry delay after a lost or refused view; doubles up to maxRetryMs. */
  retryMs?: number;
  /** Retry interval while the caller's publish is being replaced (no backoff: it is back in moments). */
  republishRetryMs?: number;
  maxRetryMs?: number;
  /** How long to wait for an offer before asking again. */
  offerTimeoutMs?: number;
  /**
   * Which of the caller's simulcast layers to watch: `high` for the control room (the
   * default), `low` for small tiles, `auto` for a phone on a moving link (layer-policy.ts).
   */
  layer?: VideoLayer;
}

/**
 * Watches one session's live video. Janus makes the offer: we ask with
 * view.start, answer view.offer, and trickle our ICE candidates. The viewer
 * follows the session's `publishing` flag (setPublishing): a view is started
 * whenever the caller publishes and torn down when they stop, the view ends,
 * or the connection to the server is lost (the server drops our views then).
 */
export class LiveViewer {
  readonly state: Store<ViewerState>;
  readonly #deps: Required<Omit<LiveViewerDeps, 'layer'>>;
  readonly #unsubscribe: Array<() => void> = [];
  #wanted = false;
  #disposed = false;
  #pendingRef: string | null = null;
  /** Requests we stopped waiting for; if their offer turns up after all, the view is stopped at once. */
  readonly #abandoned = new Set<string>();
  #viewId: string | null = null;
  #pc: PeerLike | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #offerTimer: ReturnType<typeof setTimeout> | null = null;
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #statsSample: StatsSample | null = null;
  #framesBefore = 0;
  #retryDelay: number;
  /** The `auto` policy's state and the counters it compares, per view. */
  #policy: LayerPolicyState | null = null;
  #counters: LinkCounters | null = null;

  constructor(
    readonly sessionId: string,
    deps: LiveViewerDeps,
  ) {
    this.#deps = {
      createPeer: (config) => new RTCPeerConnection(config) as unknown as PeerLike,
      retryMs: 1500,
      republishRetryMs: 400,
      maxRetryMs: 15_000,
      offerTimeoutMs: 15_000,
      ...deps,
    };
    this.#retryDelay = this.#deps.retryMs;
    const layer = deps.layer ?? 'high';
    this.state = new Store<ViewerState>({
      phase: 'idle',
      stream: null,
      stats: EMPTY_STATS,
      problem: null,
      layer,
      served: layer === 'high' ? 'high' : 'low',
    });
    this.#unsubscribe.push(
      deps.socket.onMessage((msg) => this.onMessage(msg)),
      deps.socket.onOpen(({ reconnect }) => this.onOpen(reconnect)),
    );
  }

  /**
   * Follows the session summary: watch while the caller publishes, stop when they do not.
   * `stalled`: the caller's media has stopped arriving but the publisher is still there (the
   * phone changing network). A view in place is kept: if the phone restarts its ICE, the same
   * subscription carries the picture again with no new view; if the publisher goes instead,
   * the server ends the view (`view.ended`).
   */
  setPublishing(publishing: boolean, stalled = false): void {
    if (this.#disposed) return;
    const was = this.#wanted;
    this.#wanted = publishing;
    if (!publishing && stalled && this.#viewId) {
      if (was) this.state.patch({ phase: 'interrupted' });
      return;
    }
    if (publishing) {
      // A fresh publish deserves a prompt attempt, whatever the last failure's backoff was.
      if (!was) this.#retryDelay = this.#deps.retryMs;
      // Back on the view kept through a stall.
      if (
        this.#viewId &&
        this.#pc?.connectionState === 'connected' &&
        this.state.get().phase === 'interrupted'
      )
        this.state.patch({ phase: 'playing' });
      if (!this.#viewId && !this.#pendingRef) this.requestView();
      return;
    }
    this.stopView();
    this.#pendingRef = null;
    this.clearTimer('retry');
    this.clearTimer('offer');
    // Video we expected has stopped: that is an interruption, not "nothing to watch yet".
    if (was) this.state.patch({ phase: 'interrupted' });
  }

  /**
   * Chooses the layer to watch; a live view switches at once, without renegotiating (the
   * picture changes size at the layer's next keyframe). `auto` starts from the light layer.
   */
  setLayer(layer: VideoLayer): void {
    const cur = this.state.get();
    if (layer === cur.layer) return;
    const served: ServedLayer = layer === 'auto' ? cur.served : layer;
    this.#policy = layer === 'auto' ? initialLayerState(served) : null;
    this.state.patch({ layer, served });
    if (this.#viewId) this.#deps.socket.send({ type: 'view.layer', viewId: this.#viewId, layer: served });
  }

  /** Stops watching for good (the officer left the page). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#wanted = false;
    this.stopView();
    this.clearTimer('retry');
    this.clearTimer('offer');
    for (const off of this.#unsubscribe.splice(0)) off();
    const late = this.#pendingRef;
    if (late) {
      // An offer may still be on its way; stop it so Janus does not keep a viewer nobody watches.
      const off = this.#deps.socket.onMessage((msg) => {
        if (msg.type === 'view.offer' && msg.ref === late) {
          this.#deps.socket.send({ type: 'view.stop', viewId: msg.viewId });
          off();
        }
      });
      setTimeout(off, this.#deps.offerTimeoutMs);
    }
    this.#pendingRef = null;
  }

  private requestView(): void {
    if (this.#disposed || !this.#wanted) return;
    this.clearTimer('retry');
    // A request sent now would be dropped; onOpen asks as soon as the socket is up.
    if (!this.#deps.socket.connected) return;
    const { layer } = this.state.get();
    this.#pendingRef = this.#deps.socket.send({
      type: 'view.start',
      sessionId: this.sessionId,
      ...(layer === 'high' ? {} : { layer }),
    });
    // The server starts an auto view on the light layer (a fresh link is unproven).
    if (layer !== 'high') this.state.patch({ served: 'low' });
    if (this.state.get().phase !== 'interrupted') this.state.patch({ phase: 'requesting' });
    this.clearTimer('offer');
    this.#offerTimer = setTimeout(() => {
      this.#offerTimer = null;
      if (this.#pendingRef) this.#abandoned.add(this.#pendingRef);
      this.#pendingRef = null;
      this.scheduleRetry();
    }, this.#deps.offerTimeoutMs);
  }

  private onMessage(msg: ServerToConsole): void {
    switch (msg.type) {
      case 'view.offer':
        if (msg.ref !== undefined && this.#abandoned.delete(msg.ref)) {
          this.#deps.socket.send({ type: 'view.stop', viewId: msg.viewId });
          return;
        }
        if (msg.sessionId !== this.sessionId || (msg.ref !== undefined && msg.ref !== this.#pendingRef))
          return;
        this.#pendingRef = null;
        this.clearTimer('offer');
        if (!this.#wanted) {
          this.#deps.socket.send({ type: 'view.stop', viewId: msg.viewId });
          return;
        }
        void this.answer(msg.viewId, msg.sdp);
        return;
      case 'view.ended':
        if (msg.viewId !== this.#viewId) return;
        this.closePeer();
        this.#viewId = null;
        this.state.patch({ phase: 'interrupted' });
        // Usually the phone publishing afresh (a network change): look again very soon.
        this.scheduleRetry(this.#deps.republishRetryMs);
        return;
      case 'error':
        if (!msg.ref || msg.ref !== this.#pendingRef) return;
        this.#pendingRef = null;
        this.clearTimer('offer');
        // "Not live" just means the publisher is not up yet: say nothing, try again shortly.
        if (msg.code !== 'session_not_live') this.state.patch({ problem: msg.message });
        if (msg.code === 'forbidden' || msg.code === 'session_ended' || msg.code === 'not_found') {
          this.#wanted = false;
          this.state.patch({ phase: 'idle' });
          return;
        }
        this.scheduleRetry(msg.code === 'session_not_live' ? this.#deps.republishRetryMs : undefined);
        return;
      default:
        return;
    }
  }

  private async answer(viewId: string, offer: string): Promise<void> {
    this.closePeer();
    this.#viewId = viewId;
    const pc = this.#deps.createPeer({ iceServers: this.#deps.iceServers() as RTCIceServer[] });
    this.#pc = pc;
    this.state.patch({ phase: this.state.get().phase === 'playing' ? 'playing' : 'connecting' });
    pc.ontrack = (e) => {
      if (this.#pc !== pc) return;
      const stream = e.streams[0] ?? this.state.get().stream ?? new MediaStream();
      if (!e.streams[0]) stream.addTrack(e.track);
      this.state.patch({ stream });
    };
    pc.onicecandidate = (e) => {
      if (this.#pc !== pc) return;
      const c = e.candidate;
      this.#deps.socket.send({
        type: 'view.candidate',
        viewId,
        candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } : null,
      });
    };
    pc.onconnectionstatechange = () => {
      if (this.#pc !== pc) return;
      if (pc.connectionState === 'connected') {
        this.#retryDelay = this.#deps.retryMs;
        this.state.patch({ phase: 'playing', problem: null });
      } else if (pc.connectionState === 'failed') {
        this.stopView();
        this.state.patch({ phase: 'interrupted' });
        this.scheduleRetry();
      }
    };
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      const answer = await pc.createAnswer();
      if (this.#pc !== pc) return;
      // Sent before it is applied: our connectivity checks start at setLocalDescription, and
      // Janus drops those that arrive before it has our answer's credentials, so the browser
      // waits for its retransmit timer (measured: about 50 ms of the time to first frame).
      this.#deps.socket.send({ type: 'view.answer', viewId, sdp: answer.sdp ?? '' });
      await pc.setLocalDescription(answer);
      if (this.#pc !== pc) return;
      this.startStats(pc);
    } catch (err) {
      if (this.#pc !== pc) return;
      console.warn('live video: could not answer the offer', err);
      this.stopView();
      this.state.patch({ phase: 'interrupted', problem: 'This browser could not play the video. Retrying.' });
      this.scheduleRetry();
    }
  }

  private onOpen(reconnect: boolean): void {
    if (reconnect) {
      // The server stopped our views when the old connection closed; do not stop them again.
      this.closePeer();
      this.#viewId = null;
      this.#pendingRef = null;
      this.clearTimer('offer');
    }
    if (this.#wanted && !this.#viewId && !this.#pendingRef) this.requestView();
  }

  /** Tries again after `fixed` ms, or after a growing delay for real failures. */
  private scheduleRetry(fixed?: number): void {
    if (this.#disposed || !this.#wanted || this.#retryTimer) return;
    const delay = fixed ?? this.#retryDelay;
    if (fixed === undefined) this.#retryDelay = Math.min(this.#retryDelay * 2, this.#deps.maxRetryMs);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#viewId && !this.#pendingRef) this.requestView();
    }, delay);
  }

  /** Tells the server to end our view (if any) and closes the connection. */
  private stopView(): void {
    if (this.#viewId) this.#deps.socket.send({ type: 'view.stop', viewId: this.#viewId });
    this.#viewId = null;
    this.closePeer();
  }

  private closePeer(): void {
    this.clearTimer('stats');
    const pc = this.#pc;
    this.#pc = null;
    if (pc) {
      pc.ontrack = null;
      pc.onicecandidate = null;
      pc.onconnectionstatechange = null;
      pc.close();
    }
    // Frames decoded is a running total for the page, so it never goes backwards across views.
    this.#framesBefore += this.#statsSample?.framesDecoded ?? 0;
    this.#statsSample = null;
    // A new view starts where the server starts it: auto on the light layer, with a fresh policy.
    this.#counters = null;
    this.#policy = null;
    const cur = this.state.get();
    if (cur.stream || cur.stats.fps !== null || cur.stats.width !== null) {
      this.state.patch({ stream: null, stats: { ...EMPTY_STATS, framesDecoded: this.#framesBefore } });
    }
  }

  private startStats(pc: PeerLike): void {
    this.clearTimer('stats');
    this.#statsTimer = setInterval(() => {
      void pc
        .getStats()
        .then((report) => {
          if (this.#pc !== pc) return;
          const entries = [...report.values()];
          const read = readVideoStats(entries, this.#statsSample);
          if (!read) return;
          this.#statsSample = read.sample;
          this.state.patch({
            stats: { ...read.stats, framesDecoded: this.#framesBefore + read.stats.framesDecoded },
          });
          this.adapt(entries);
        })
        .catch(() => {
          // The connection closed between the tick and the read; the next view starts afresh.
        });
    }, 1000);
  }

  /** `auto`: one second of this viewer's link through the layer policy; switches when it says. */
  private adapt(entries: Array<Record<string, unknown>>): void {
    const inbound = videoInbound(entries);
    if (this.state.get().layer !== 'auto' || !this.#viewId || !inbound) return;
    const counters = linkCounters(inbound);
    const prev = this.#counters;
    this.#counters = counters;
    const link = prev ? linkSample(prev, counters) : null;
    if (!link) return;
    this.#policy ??= initialLayerState(this.state.get().served);
    const { state, switchTo } = nextLayer(this.#policy, link);
    this.#policy = state;
    if (!switchTo) return;
    this.state.patch({ served: switchTo });
    this.#deps.socket.send({ type: 'view.layer', viewId: this.#viewId, layer: switchTo });
  }

  private clearTimer(which: 'retry' | 'offer' | 'stats'): void {
    if (which === 'retry' && this.#retryTimer) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
    } else if (which === 'offer' && this.#offerTimer) {
      clearTimeout(this.#offerTimer);
      this.#offerTimer = null;
    } else if (which === 'stats' && this.#statsTimer) {
      clearInterval(this.#statsTimer);
      this.#statsTimer = null;
    }
  }
}
