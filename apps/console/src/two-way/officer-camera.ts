import type { IceCandidate, IceServer, ServerToConsole } from '@sightline/protocol';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/**
 * - off: not sending (the camera is released)
 * - starting: asking the browser for the camera
 * - connecting: offer sent, waiting for the media server and ICE
 * - live: the officer's picture is reaching the media server, which forwards it to the caller
 * - failed: stopped by a problem; `error` says what, and starting again is allowed
 */
export type CameraPhase = 'off' | 'starting' | 'connecting' | 'live' | 'failed';

export interface OfficerCameraState {
  phase: CameraPhase;
  /** The local camera, for the self-view. */
  stream: MediaStream | null;
  error: string | null;
  /** Something to know that is not a failure (no microphone, so the caller cannot hear). */
  notice: string | null;
}

/** The parts of RTCPeerConnection we use, so tests can pass a fake. */
export interface PublisherPeer {
  connectionState: string;
  onicecandidate: ((ev: { candidate: RTCIceCandidate | null }) => void) | null;
  onconnectionstatechange: (() => void) | null;
  addTransceiver(track: MediaStreamTrack, init: RTCRtpTransceiverInit): unknown;
  createOffer(): Promise<RTCSessionDescriptionInit>;
  setLocalDescription(desc: RTCSessionDescriptionInit): Promise<void>;
  setRemoteDescription(desc: RTCSessionDescriptionInit): Promise<void>;
  close(): void;
}

export interface OfficerCameraDeps {
  socket: Pick<ConsoleSocket, 'send' | 'onMessage' | 'onOpen' | 'connected'>;
  iceServers: () => IceServer[];
  getUserMedia?: (c: MediaStreamConstraints) => Promise<MediaStream>;
  createPeer?: (config: RTCConfiguration) => PublisherPeer;
  /** How long to wait for the media server's answer. */
  answerTimeoutMs?: number;
}

const VIDEO: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 480 },
  frameRate: { ideal: 24 },
};

/**
 * The officer's own camera in a two-way session: getUserMedia, a send-only
 * peer connection, `officer.publish.offer` → `officer.publish.answer`, and our
 * ICE candidates trickled after the answer (the server has no publisher to
 * give them to before). The camera is released whenever we stop sending, so
 * its light never stays on for nothing.
 */
export class OfficerCamera {
  readonly state = new Store<OfficerCameraState>({ phase: 'off', stream: null, error: null, notice: null });
  readonly #deps: Required<OfficerCameraDeps>;
  readonly #off: Array<() => void> = [];
  #pc: PublisherPeer | null = null;
  #ref: string | null = null;
  #answered = false;
  #buffered: IceCandidate[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every start and stop, so a slow getUserMedia cannot revive a stopped camera. */
  #generation = 0;
  #published = false;

  constructor(
    readonly sessionId: string,
    deps: OfficerCameraDeps,
  ) {
    this.#deps = {
      getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c),
      createPeer: (config) => new RTCPeerConnection(config) as unknown as PublisherPeer,
      answerTimeoutMs: 20_000,
      ...deps,
    };
    this.#off.push(
      deps.socket.onMessage((msg) => this.onMessage(msg)),
      deps.socket.onOpen(({ reconnect }) => {
        // The server ends our publish when the socket drops; send the picture again on the new one.
        const { phase, stream } = this.state.get();
        if (stream && (phase === 'connecting' || phase === 'live')) {
          if (reconnect) this.#published = false;
          if (!this.#published) void this.publish(stream, this.#generation);
        }
      }),
    );
  }

  /** Starts the camera and sends it to the caller. */
  async start(): Promise<void> {
    const { phase } = this.state.get();
    if (phase !== 'off' && phase !== 'failed') return;
    const gen = ++this.#generation;
    this.state.set({ phase: 'starting', stream: null, error: null, notice: null });
    let stream: MediaStream;
    let notice: string | null = null;
    try {
      stream = await this.#deps.getUserMedia({ video: VIDEO, audio: true });
    } catch (err) {
      // A desk without a headset still has a webcam: the caller can see the officer and hear them on the call.
      if (errorName(err) !== 'NotFoundError') return this.fail(gen, cameraError(err));
      try {
        stream = await this.#deps.getUserMedia({ video: VIDEO, audio: false });
        notice = 'No microphone found: the caller sees you but cannot hear you through the video.';
      } catch (err2) {
        return this.fail(gen, cameraError(err2));
      }
    }
    if (gen !== this.#generation) {
      stopTracks(stream);
      return;
    }
    this.state.patch({ stream, notice });
    await this.publish(stream, gen);
  }

  /** Stops sending and releases the camera. `tellServer` is false when the session is already over. */
  stop(tellServer = true): void {
    const { phase } = this.state.get();
    if (phase === 'off' && !this.#pc) return;
    this.#generation++;
    if (tellServer && this.#published && this.#deps.socket.connected) {
      this.#deps.socket.send({ type: 'officer.publish.stop', sessionId: this.sessionId });
    }
    this.teardown();
    this.state.set({ phase: 'off', stream: null, error: null, notice: null });
  }

  dispose(): void {
    this.stop();
    for (const off of this.#off.splice(0)) off();
  }

  private async publish(stream: MediaStream, gen: number): Promise<void> {
    this.closePeer();
    this.state.patch({ phase: 'connecting' });
    // Offline: onOpen publishes once the socket is back.
    if (!this.#deps.socket.connected) return;
    const pc = this.#deps.createPeer({ iceServers: this.#deps.iceServers() as RTCIceServer[] });
    this.#pc = pc;
    this.#answered = false;
    this.#buffered = [];
    for (const track of stream.getTracks())
      pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    pc.onicecandidate = (e) => {
      if (this.#pc !== pc) return;
      const c = e.candidate;
      const candidate: IceCandidate = c
        ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex }
        : null;
      if (this.#answered) this.sendCandidate(candidate);
      else this.#buffered.push(candidate);
    };
    pc.onconnectionstatechange = () => {
      if (this.#pc !== pc) return;
      if (pc.connectionState === 'connected') this.state.patch({ phase: 'live', error: null });
      else if (pc.connectionState === 'failed')
        this.fail(gen, 'Your video stopped reaching the caller. Start it again.');
    };
    try {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      if (this.#pc !== pc || gen !== this.#generation) return;
      this.#ref = this.#deps.socket.send({
        type: 'officer.publish.offer',
        sessionId: this.sessionId,
        sdp: offer.sdp ?? '',
      });
      this.#published = true;
      this.clearTimer();
      this.#timer = setTimeout(() => {
        if (this.#pc === pc && !this.#answered) this.fail(gen, 'The media server did not answer. Try again.');
      }, this.#deps.answerTimeoutMs);
    } catch (err) {
      console.warn('two-way: could not make an offer', err);
      this.fail(gen, 'This browser could not send your video. Try again.');
    }
  }

  private onMessage(msg: ServerToConsole): void {
    if (msg.type === 'officer.publish.answer') {
      if (msg.sessionId !== this.sessionId || (msg.ref !== undefined && msg.ref !== this.#ref)) return;
      const pc = this.#pc;
      if (!pc || this.#answered) return;
      this.#answered = true;
      this.clearTimer();
      const gen = this.#generation;
      pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp }).then(
        () => {
          if (this.#pc !== pc) return;
          for (const c of this.#buffered.splice(0)) this.sendCandidate(c);
        },
        (err: unknown) => {
          console.warn('two-way: the answer was not accepted', err);
          this.fail(gen, 'The media server sent an answer this browser could not use. Try again.');
        },
      );
    } else if (msg.type === 'error' && msg.ref && msg.ref === this.#ref) {
      this.#published = false;
      this.fail(this.#generation, msg.message);
    }
  }

  private sendCandidate(candidate: IceCandidate): void {
    this.#deps.socket.send({ type: 'officer.publish.candidate', sessionId: this.sessionId, candidate });
  }

  private fail(gen: number, error: string): void {
    if (gen !== this.#generation) return;
    if (this.#published && this.#deps.socket.connected) {
      this.#deps.socket.send({ type: 'officer.publish.stop', sessionId: this.sessionId });
    }
    this.teardown();
    this.state.set({ phase: 'failed', stream: null, error, notice: null });
  }

  private teardown(): void {
    this.closePeer();
    this.#published = false;
    stopTracks(this.state.get().stream);
  }

  private closePeer(): void {
    this.clearTimer();
    const pc = this.#pc;
    this.#pc = null;
    this.#ref = null;
    this.#answered = false;
    this.#buffered = [];
    if (pc) {
      pc.onicecandidate = null;
      pc.onconnectionstatechange = null;
      pc.close();
    }
  }

  private clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

function stopTracks(stream: MediaStream | null): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

const errorName = (err: unknown): string =>
  err && typeof err === 'object' && 'name' in err ? String((err as { name: unknown }).name) : '';

/** What went wrong with the camera, in words that say what to do. */
export function cameraError(err: unknown): string {
  switch (errorName(err)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'The browser was not allowed to use your camera. Allow the camera for this site (the icon in the address bar) and try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found on this computer.';
    case 'NotReadableError':
    case 'AbortError':
      return 'Your camera is in use by another program or not working. Close the other program and try again.';
    case 'TypeError':
      return 'This browser cannot use a camera on this page.';
    default:
      return 'Your camera could not be started. Try again.';
  }
}
