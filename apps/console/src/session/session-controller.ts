import type { IceServer, SessionSummary } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { CallerControls } from '../caller-controls/caller-controls.js';
import { ChatStore } from '../chat/chat-store.js';
import { Store } from '../lib/store.js';
import { LiveViewer, type LiveViewerDeps } from '../live-video/live-viewer.js';
import { appendFix, mergeTrack } from '../location/map-state.js';
import { newerNetworkFix } from '../location/network-location.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import { OfficerCamera, type OfficerCameraDeps } from '../two-way/officer-camera.js';
import {
  addTimelineEvent,
  canBeEnded,
  initialSessionPage,
  mergeTimeline,
  type SessionPageState,
  sortEvidence,
} from './session-model.js';

export interface SessionControllerDeps {
  api: ApiClient;
  socket: ConsoleSocket;
  iceServers: () => IceServer[];
  /** Told about every summary we see, so the dashboard list agrees with this page. */
  onSummary?: (s: SessionSummary) => void;
  /** Watch the video, and take part: chat, requests to the phone, the officer's own camera. */
  canViewLive: boolean;
  canReadEvidence: boolean;
  createPeer?: LiveViewerDeps['createPeer'];
  camera?: Pick<OfficerCameraDeps, 'getUserMedia' | 'createPeer'>;
}

/**
 * Runs the session page: loads the session, watches it over the socket
 * (timeline, fixes, evidence changes, chat, the caller's media state), drives
 * the live viewer from the `publishing` flag, and ends the session on request.
 * After a reconnect it reloads, because events sent while the socket was down
 * are gone. Chat, requests and the officer's camera are parts it owns and
 * closes with the page.
 */
export class SessionController {
  readonly state = new Store<SessionPageState>(initialSessionPage);
  readonly viewer: LiveViewer | null;
  readonly chat: ChatStore;
  readonly controls: CallerControls;
  /** The officer's own camera, for two-way sessions. */
  readonly camera: OfficerCamera | null;
  readonly #off: Array<() => void> = [];
  #disposed = false;
  #evidenceSeq = 0;
  /** Counts live summaries, so a load that was overtaken by one does not put an older state back. */
  #broadcasts = 0;

  constructor(
    readonly sessionId: string,
    private readonly deps: SessionControllerDeps,
  ) {
    this.viewer = deps.canViewLive
      ? new LiveViewer(sessionId, {
          socket: deps.socket,
          iceServers: deps.iceServers,
          ...(deps.createPeer ? { createPeer: deps.createPeer } : {}),
        })
      : null;
    this.chat = new ChatStore(sessionId, { api: deps.api, socket: deps.socket });
    this.controls = new CallerControls(sessionId, deps.socket);
    this.camera = deps.canViewLive
      ? new OfficerCamera(sessionId, { socket: deps.socket, iceServers: deps.iceServers, ...deps.camera })
      : null;
  }

  start(): void {
    const { socket } = this.deps;
    this.chat.start();
    this.controls.start();
    this.#off.push(
      socket.onMessage((msg) => {
        switch (msg.type) {
          case 'session.updated':
            if (msg.session.id !== this.sessionId) return;
            this.#broadcasts++;
            this.applySummary(msg.session);
            return;
          case 'session.event':
            if (msg.sessionId !== this.sessionId) return;
            this.state.set((s) => ({
              ...s,
              timeline: addTimelineEvent(s.timeline, msg.event),
              announced: msg.event,
            }));
            return;
          case 'location.fix':
            if (msg.sessionId === this.sessionId)
              this.state.set((s) => ({ ...s, track: appendFix(s.track, msg.fix) }));
            return;
          case 'aml.fix':
            if (msg.sessionId === this.sessionId)
              this.state.set((s) => ({ ...s, network: newerNetworkFix(s.network, msg.fix) }));
            return;
          case 'evidence.updated':
            if (msg.sessionId === this.sessionId) void this.loadEvidence();
            return;
          default:
            return;
        }
      }),
      socket.onReconnected(() => {
        void this.load();
        void this.loadEvidence();
      }),
    );
    // Watch before loading, so nothing falls between the snapshot and the first live message.
    socket.watch(this.sessionId);
    void this.load();
    void this.loadEvidence();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const off of this.#off.splice(0)) off();
    this.deps.socket.unwatch(this.sessionId);
    this.viewer?.dispose();
    this.chat.dispose();
    this.controls.dispose();
    this.camera?.dispose();
  }

  async load(): Promise<void> {
    const heard = this.#broadcasts;
    try {
      const detail = await this.deps.api.session(this.sessionId);
      if (this.#disposed) return;
      this.state.set((s) => ({
        ...s,
        status: 'ready',
        error: null,
        timeline: mergeTimeline(s.timeline, detail.timeline),
        track: mergeTrack(s.track, detail.track),
      }));
      this.controls.seed(detail.timeline);
      // A summary broadcast while the request was out is at least as new as this snapshot
      // (a change after the snapshot is broadcast too): keep it, or "live" can fall back to "consented".
      if (heard === this.#broadcasts || !this.state.get().session) this.applySummary(detail.session);
    } catch (err) {
      if (this.#disposed) return;
      const notFound =
        err instanceof ApiRequestError && (err.code === 'not_found' || err.code === 'bad_request');
      // Keep showing what we had if this was a reload; only a first load turns into an error page.
      if (this.state.get().status === 'ready' && !notFound) return;
      this.state.patch({ status: notFound ? 'not-found' : 'error', error: errorMessage(err) });
    }
  }

  async loadEvidence(): Promise<void> {
    if (!this.deps.canReadEvidence) return;
    const seq = ++this.#evidenceSeq;
    const cur = this.state.get().evidence;
    this.state.patch({ evidence: { ...cur, status: cur.status === 'ready' ? 'ready' : 'loading' } });
    try {
      const { items } = await this.deps.api.evidence(this.sessionId);
      if (this.#disposed || seq !== this.#evidenceSeq) return;
      this.state.patch({ evidence: { status: 'ready', items: sortEvidence(items), error: null } });
    } catch (err) {
      if (this.#disposed || seq !== this.#evidenceSeq) return;
      this.state.patch({
        evidence: { ...this.state.get().evidence, status: 'error', error: errorMessage(err) },
      });
    }
  }

  /** First step of ending: the page asks "are you sure?". */
  askToEnd(): void {
    if (canBeEnded(this.state.get().session)) this.state.patch({ end: { step: 'confirm', error: null } });
  }

  cancelEnd(): void {
    if (this.state.get().end.step === 'confirm') this.state.patch({ end: { step: 'idle', error: null } });
  }

  async confirmEnd(reason?: string): Promise<void> {
    if (this.state.get().end.step === 'sending') return;
    this.state.patch({ end: { step: 'sending', error: null } });
    try {
      const session = await this.deps.api.endSession(this.sessionId, reason);
      if (this.#disposed) return;
      this.state.patch({ end: { step: 'idle', error: null } });
      this.applySummary(session);
      void this.loadEvidence();
    } catch (err) {
      if (this.#disposed) return;
      this.state.patch({ end: { step: 'confirm', error: errorMessage(err) } });
    }
  }

  private applySummary(session: SessionSummary): void {
    const cur = this.state.get().session;
    // Summaries can cross (a reload's answer after a newer broadcast); never step back from a final state.
    if (cur && (cur.state === 'ended' || cur.state === 'expired') && session.state !== cur.state) return;
    this.state.patch({ session });
    this.deps.onSummary?.(session);
    const over = session.state === 'ended' || session.state === 'expired';
    // A location-only link never carries video: asking to view would only earn "not live" errors.
    // Media stopped arriving while the caller is still published (videoStoppedAt without an
    // end): the view is kept for the picture to come back on (LiveViewer.setPublishing).
    const stalled = !over && !session.publishing && session.videoStoppedAt !== null;
    this.viewer?.setPublishing(session.publishing && !over && session.mode !== 'location', stalled);
    // The server has closed the publish with the session; only the camera is left to release.
    if (over) this.camera?.stop(false);
    this.chat.setReceipts(this.deps.canViewLive && !over);
  }
}
