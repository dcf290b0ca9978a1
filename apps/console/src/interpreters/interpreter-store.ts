import type {
  IceServer,
  InterpreterInvite,
  InterpreterInviteRequest,
  ServerToConsole,
} from '@sightline/protocol';
import type { ApiClient } from '../api/api-client.js';
import { errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

export interface InterpreterState {
  invites: InterpreterInvite[];
  /** The newest invitation's link, shown once to copy or read out (the server keeps only its hash). */
  link: { id: string; url: string } | null;
  busy: boolean;
  error: string | null;
  /** The interpreter's camera and microphone, once the media server offers them. */
  stream: MediaStream | null;
}

/** The parts of RTCPeerConnection we use, so tests can pass a fake. */
export interface ViewerPeer {
  ontrack: ((ev: { streams: readonly MediaStream[]; track: MediaStreamTrack }) => void) | null;
  onicecandidate: ((ev: { candidate: RTCIceCandidate | null }) => void) | null;
  setRemoteDescription(desc: RTCSessionDescriptionInit): Promise<void>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
  setLocalDescription(desc: RTCSessionDescriptionInit): Promise<void>;
  readonly localDescription: { sdp: string } | null;
  close(): void;
}

export interface InterpreterDeps {
  api: Pick<ApiClient, 'interpreters' | 'inviteInterpreter' | 'removeInterpreter'>;
  socket: Pick<ConsoleSocket, 'send' | 'onMessage'>;
  iceServers: () => IceServer[];
  /** Whether this officer may watch live video (then the interpreter's camera is shown). */
  canViewLive: boolean;
  createPeer?: (config: RTCConfiguration) => ViewerPeer;
}

/**
 * An interpreter in one session, for the session page: the invitations (refetched when the
 * timeline says one changed), inviting and removing, and watching the interpreter's camera as
 * soon as the server says it is up (`interpreter.video` → `interpreter-view.start` → offer).
 */
export class InterpreterStore {
  readonly state = new Store<InterpreterState>({
    invites: [],
    link: null,
    busy: false,
    error: null,
    stream: null,
  });
  readonly #off: Array<() => void> = [];
  readonly #createPeer: (config: RTCConfiguration) => ViewerPeer;
  #pc: ViewerPeer | null = null;

  constructor(
    readonly sessionId: string,
    private readonly deps: InterpreterDeps,
  ) {
    this.#createPeer = deps.createPeer ?? ((c) => new RTCPeerConnection(c) as unknown as ViewerPeer);
    this.#off.push(deps.socket.onMessage((msg) => this.onMessage(msg)));
  }

  /** Loads the invitations, and asks for the interpreter's camera in case it is already up. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.deps.canViewLive && this.joined())
      this.deps.socket.send({ type: 'interpreter-view.start', sessionId: this.sessionId });
  }

  /** Whether an interpreter has joined the call (the officer's camera is offered then). */
  joined(): boolean {
    return this.state.get().invites.some((i) => i.state === 'joined');
  }

  async refresh(): Promise<void> {
    try {
      this.state.patch({ invites: await this.deps.api.interpreters(this.sessionId) });
    } catch (err) {
      this.state.patch({ error: errorMessage(err) });
    }
  }

  async invite(body: InterpreterInviteRequest): Promise<boolean> {
    this.state.patch({ busy: true, error: null });
    try {
      const created = await this.deps.api.inviteInterpreter(this.sessionId, body);
      this.state.patch({ link: { id: created.invite.id, url: created.url } });
      await this.refresh();
      return true;
    } catch (err) {
      this.state.patch({ error: errorMessage(err) });
      return false;
    } finally {
      this.state.patch({ busy: false });
    }
  }

  async remove(id: string): Promise<void> {
    this.state.patch({ busy: true, error: null });
    try {
      await this.deps.api.removeInterpreter(id);
      if (this.state.get().link?.id === id) this.state.patch({ link: null });
      await this.refresh();
    } catch (err) {
      this.state.patch({ error: errorMessage(err) });
    } finally {
      this.state.patch({ busy: false });
    }
  }

  dispose(): void {
    for (const off of this.#off.splice(0)) off();
    this.closeView();
  }

  private onMessage(msg: ServerToConsole): void {
    if (!('sessionId' in msg) || msg.sessionId !== this.sessionId) return;
    if (msg.type === 'session.event' && msg.event.type.startsWith('interpreter.')) void this.refresh();
    else if (msg.type === 'interpreter.video' && this.deps.canViewLive) {
      if (msg.live) this.deps.socket.send({ type: 'interpreter-view.start', sessionId: this.sessionId });
      else this.closeView();
    } else if (msg.type === 'interpreter-view.offer') void this.accept(msg.sdp);
  }

  private async accept(offer: string): Promise<void> {
    this.closeView();
    const pc = this.#createPeer({ iceServers: this.deps.iceServers() });
    this.#pc = pc;
    pc.ontrack = (e) => {
      if (this.#pc === pc) this.state.patch({ stream: e.streams[0] ?? new MediaStream([e.track]) });
    };
    pc.onicecandidate = (e) => {
      const c = e.candidate;
      this.deps.socket.send({
        type: 'interpreter-view.candidate',
        sessionId: this.sessionId,
        candidate: c?.candidate
          ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
          : null,
      });
    };
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription(await pc.createAnswer());
    } catch {
      if (this.#pc !== pc) return;
      this.closeView();
      this.state.patch({
        error: 'The interpreter’s video could not be shown. Reload the page to try again.',
      });
      return;
    }
    this.deps.socket.send({
      type: 'interpreter-view.answer',
      sessionId: this.sessionId,
      sdp: pc.localDescription?.sdp ?? '',
    });
  }

  private closeView(): void {
    this.#pc?.close();
    this.#pc = null;
    this.state.patch({ stream: null });
  }
}
