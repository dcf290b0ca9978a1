import { steppedEncodings } from './simulcast.js';

/** What the camera/microphone request produced. */
export interface Capture {
  stream: MediaStream | null;
  camera: 'on' | 'denied' | 'unavailable';
  microphone: 'on' | 'denied' | 'unavailable';
}

const video = (facing: 'back' | 'front'): MediaTrackConstraints => ({
  facingMode: { ideal: facing === 'back' ? 'environment' : 'user' },
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
});

/**
 * Opens the rear camera and microphone. If the pair is refused, tries each on
 * its own, so a caller who allows only one still shares it.
 */
export async function openCamera(): Promise<Capture> {
  if (!navigator.mediaDevices?.getUserMedia)
    return { stream: null, camera: 'unavailable', microphone: 'unavailable' };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: video('back'),
      audio: { echoCancellation: true, noiseSuppression: true },
    });
    return { stream, camera: 'on', microphone: 'on' };
  } catch (both) {
    const [v, a] = await Promise.all([tryGet({ video: video('back') }), tryGet({ audio: true })]);
    const tracks = [...(v.stream?.getTracks() ?? []), ...(a.stream?.getTracks() ?? [])];
    return {
      stream: tracks.length ? new MediaStream(tracks) : null,
      camera: v.stream ? 'on' : classify(v.error ?? both),
      microphone: a.stream ? 'on' : classify(a.error ?? both),
    };
  }
}

async function tryGet(c: MediaStreamConstraints): Promise<{ stream: MediaStream | null; error?: unknown }> {
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(c) };
  } catch (error) {
    return { stream: null, error };
  }
}

function classify(err: unknown): 'denied' | 'unavailable' {
  const name = err instanceof DOMException ? err.name : '';
  return name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable';
}

export interface PublisherCallbacks {
  /** `iceRestart`: a new ICE generation for the connection already published (same recording). */
  sendOffer(sdp: string, offerId: string, iceRestart?: boolean): void;
  sendCandidate(c: RTCIceCandidateInit | null): void;
  onState(state: 'connecting' | 'connected' | 'reconnecting' | 'failed'): void;
}

export type VideoStep = 'smooth' | 'low' | 'stills';

// "balanced" alone held a fake 720p camera at about 10 fps while the estimate ramped up,
// so moving video asks for its frame rate explicitly.
const DEGRADATION: Record<VideoStep, RTCDegradationPreference> = {
  smooth: 'maintain-framerate',
  low: 'balanced',
  stills: 'maintain-resolution',
};

/** The earliest expiry of the TURN REST credentials ("<unix seconds>:<id>") in a configuration, or null. */
function turnExpiry(config: RTCConfiguration): number | null {
  let earliest: number | null = null;
  for (const server of config.iceServers ?? []) {
    const seconds = Number(/^(\d+):/.exec(server.username ?? '')?.[1]);
    if (Number.isFinite(seconds) && seconds > 0) earliest = Math.min(earliest ?? Infinity, seconds * 1000);
  }
  return earliest;
}

/** A publish not connected after this long is tried again. */
const CONNECT_WITHIN_MS = 10_000;
/**
 * An ICE restart not connected after this long gives way to a fresh publish. A restart that
 * works connects within a few round trips; one that cannot (the server lost the publisher
 * without saying so) must not keep the video away for long.
 */
const RESTART_WITHIN_MS = 3_000;
/** Heard from the server within this long (after the restart's answer): the new path works. */
const HEARD_MS = 500;

/**
 * Sends the caller's stream to the server over WebRTC. Any failure of the
 * connection leads to a fresh publish, with no tap needed. Camera switch, pause,
 * mute and torch work on the live connection (replaceTrack / track.enabled).
 */
export class Publisher {
  #pc: RTCPeerConnection | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  #step: VideoStep = 'smooth';
  #offers = 0;
  #offerId = '';
  /** The offer id of an ICE restart not yet proven (answered, then heard from), else null. */
  #restarting: string | null = null;
  #restartAnswered = false;
  /** When the TURN credential the current connection was made with stops opening relays (epoch ms). */
  #turnExpiresAt: number | null = null;

  constructor(
    readonly stream: MediaStream,
    /** Read at every (re)publish: TURN credentials are renewed during a long call. */
    private readonly rtcConfig: () => RTCConfiguration,
    private readonly cb: PublisherCallbacks,
    /** The video's sendEncodings at each (re)publish: simulcast layers, or undefined for one (simulcast.ts). */
    private readonly videoEncodings: () => RTCRtpEncodingParameters[] | undefined = () => undefined,
  ) {}

  get connection(): RTCPeerConnection | null {
    return this.#pc;
  }

  async start(): Promise<void> {
    if (this.#stopped) return;
    const config = this.rtcConfig();
    const pc = new RTCPeerConnection({ ...config, bundlePolicy: 'max-bundle' });
    for (const track of this.stream.getTracks()) {
      const sendEncodings = track.kind === 'video' ? this.videoEncodings() : undefined;
      pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [this.stream],
        ...(sendEncodings ? { sendEncodings } : {}),
      });
    }
    this.#launch(pc, config);
    await pc.setLocalDescription(await pc.createOffer());
    if (this.#pc === pc) this.#sendOffer(pc);
  }

  /** Makes `pc` the live connection: its events, and a deadline for it to connect. */
  #launch(pc: RTCPeerConnection, config: RTCConfiguration): void {
    this.#pc?.close();
    this.#pc = pc;
    this.#restarting = null;
    this.#restartAnswered = false;
    this.#turnExpiresAt = turnExpiry(config);
    pc.onicecandidate = (e) => {
      if (this.#pc === pc) this.cb.sendCandidate(e.candidate ? e.candidate.toJSON() : null);
    };
    pc.onconnectionstatechange = () => this.#onConnectionState(pc);
    this.cb.onState('connecting');
    // An offer or answer lost on the way (a socket that died unnoticed) must not leave
    // the video stuck: a publish that has not connected after a while starts again.
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.#pc === pc && pc.connectionState !== 'connected' && this.restart(),
      CONNECT_WITHIN_MS,
    );
  }

  #sendOffer(pc: RTCPeerConnection): void {
    this.#offerId = `o${++this.#offers}`;
    this.cb.sendOffer(pc.localDescription?.sdp ?? '', this.#offerId);
  }

  async acceptAnswer(sdp: string, offerId?: string): Promise<void> {
    if (offerId && offerId !== this.#offerId) return; // the answer to an offer since replaced
    if (this.#pc && this.#pc.signalingState === 'have-local-offer') {
      await this.#pc.setRemoteDescription({ type: 'answer', sdp });
      if (this.#restarting && this.#restarting === offerId) this.#restartAnswered = true;
      await this.setStep(this.#step);
    }
  }

  /**
   * True if the live connection has heard nothing from the server for `ms`. Janus
   * answers a flowing stream with feedback many times a second; silence means the path
   * is gone, which the browser's own ICE takes 6–7 s to declare after a change of address.
   */
  async silentFor(ms: number): Promise<boolean> {
    const pc = this.#pc;
    if (pc?.connectionState !== 'connected') return false;
    const stats = await pc.getStats().catch(() => null);
    if (!stats) return false;
    let pairId: string | undefined;
    stats.forEach((r: Record<string, unknown>) => {
      if (r.type === 'transport' && typeof r.selectedCandidatePairId === 'string')
        pairId = r.selectedCandidatePairId;
    });
    const pair = pairId ? (stats.get(pairId) as Record<string, unknown> | undefined) : undefined;
    const last = pair?.lastPacketReceivedTimestamp;
    const now = pair?.timestamp;
    if (typeof last !== 'number' || typeof now !== 'number') return false;
    const silent = now - last > ms;
    // An ICE restart keeps the connection "connected" throughout (the browser had not noticed
    // the old path had gone), so no state change says it worked: the server heard again
    // on the answered new path does.
    if (!silent && this.#pc === pc && this.#restartAnswered && now - last < HEARD_MS) this.#restartWorked();
    return silent;
  }

  #restartWorked(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#restarting = null;
    this.#restartAnswered = false;
    this.cb.onState('connected');
  }

  /** Publishes again on a new connection (after a media server restart or a failure). */
  restart(): void {
    if (this.#stopped) return;
    this.cb.onState('reconnecting');
    void this.start();
  }

  /**
   * The path has gone (a new address): restarts ICE on the live connection instead of
   * publishing afresh. The server keeps the same publisher, so its recording and the officer's
   * subscription carry on and the picture returns as soon as ICE finds the new path (DTLS is
   * not renegotiated). Falls back to a fresh publish if this connection never had an answer,
   * if the server refuses (`offerRefused`), or if the restart has not connected in time.
   */
  async restartIce(): Promise<void> {
    const pc = this.#pc;
    if (this.#stopped || !pc) return;
    if (this.#restarting) return; // one restart at a time; its own timer decides what follows
    if (!pc.remoteDescription || pc.signalingState !== 'stable' || pc.connectionState === 'closed')
      return this.restart();
    this.cb.onState('reconnecting');
    if (this.#timer) clearTimeout(this.#timer);
    const offerId = `o${++this.#offers}`;
    this.#restarting = offerId;
    this.#restartAnswered = false;
    this.#timer = setTimeout(() => {
      if (this.#pc === pc && this.#restarting === offerId) this.restart();
    }, RESTART_WITHIN_MS);
    try {
      // The restart gathers afresh (a new TURN allocation on the new network), and TURN checks
      // a credential's expiry when a relay is opened: the newest one, not the connection's first.
      const config = this.rtcConfig();
      if (config.iceServers) {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers: config.iceServers });
        this.#turnExpiresAt = turnExpiry(config);
      }
      const offer = await pc.createOffer({ iceRestart: true });
      await pc.setLocalDescription(offer);
    } catch {
      if (this.#pc === pc && this.#restarting === offerId) this.restart();
      return;
    }
    if (this.#pc !== pc || this.#restarting !== offerId) return;
    this.#offerId = offerId;
    this.cb.sendOffer(pc.localDescription?.sdp ?? '', offerId, true);
  }

  /**
   * The server answered an offer with an error. For the ICE restart in flight, the server has
   * no publisher to restart (or could not): publish afresh now. Returns whether it was ours.
   */
  offerRefused(offerId: string): boolean {
    if (offerId !== this.#offerId) return false;
    if (this.#restarting === offerId) this.restart();
    return true;
  }

  /**
   * New ICE servers arrived (a reconnect's welcome, or a renewal). A publish started on
   * coming back online is made before the socket is back, so after a long outage it may
   * hold a TURN credential that has expired: it can never get a relay, and would wait out
   * CONNECT_WITHIN_MS. Such a publish starts again now with the fresh credential.
   */
  iceRenewed(): void {
    const pc = this.#pc;
    if (!pc || pc.connectionState === 'connected' || this.#turnExpiresAt === null) return;
    if (this.#turnExpiresAt <= Date.now()) this.restart();
  }

  /** Switches between back and front cameras without renegotiating. */
  async switchCamera(to: 'back' | 'front'): Promise<void> {
    const old = this.stream.getVideoTracks()[0];
    const fresh = (await navigator.mediaDevices.getUserMedia({ video: video(to) })).getVideoTracks()[0];
    if (!fresh) return;
    fresh.enabled = old?.enabled ?? true;
    await this.#pc
      ?.getSenders()
      .find((s) => s.track?.kind === 'video')
      ?.replaceTrack(fresh);
    if (old) {
      this.stream.removeTrack(old);
      old.stop();
    }
    this.stream.addTrack(fresh);
  }

  setVideoPaused(paused: boolean): void {
    for (const t of this.stream.getVideoTracks()) t.enabled = !paused;
  }

  setMuted(muted: boolean): void {
    for (const t of this.stream.getAudioTracks()) t.enabled = !muted;
  }

  /** True if this camera has a torch the page may control. */
  torchSupported(): boolean {
    const track = this.stream.getVideoTracks()[0];
    const caps = track?.getCapabilities?.() as (MediaTrackCapabilities & { torch?: boolean }) | undefined;
    return caps?.torch === true;
  }

  async setTorch(on: boolean): Promise<boolean> {
    const track = this.stream.getVideoTracks()[0];
    if (!track || !this.torchSupported()) return false;
    await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
    return true;
  }

  /**
   * The video step for the link's quality. "smooth": the frame rate holds and the
   * browser lowers resolution as the bandwidth estimate falls (also while it ramps up
   * at the start). "low": frame rate and resolution both give way. "stills": about one
   * frame a second at full detail, for links too thin for moving video.
   */
  async setStep(step: VideoStep): Promise<void> {
    this.#step = step;
    const sender = this.#pc?.getSenders().find((s) => s.track?.kind === 'video');
    if (!sender) return;
    const p = sender.getParameters();
    if (!p.encodings?.length) return;
    p.encodings = steppedEncodings(p.encodings, step);
    (p as RTCRtpSendParameters & { degradationPreference?: RTCDegradationPreference }).degradationPreference =
      DEGRADATION[step];
    await sender.setParameters(p).catch(() => {});
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#pc?.close();
    this.#pc = null;
    for (const t of this.stream.getTracks()) t.stop();
  }

  #onConnectionState(pc: RTCPeerConnection): void {
    if (this.#pc !== pc) return;
    // A restart in flight keeps its deadline through the states ICE passes on the way.
    const restartDone = this.#restartAnswered && pc.connectionState === 'connected';
    if (this.#timer && (!this.#restarting || restartDone)) clearTimeout(this.#timer);
    switch (pc.connectionState) {
      case 'connected':
        // Reached again after the restart's answer: it worked. Before it, this is still the
        // old path's state, and the restart carries on (the deadline was kept above).
        if (!this.#restarting || this.#restartAnswered) {
          this.#restarting = null;
          this.#restartAnswered = false;
          this.cb.onState('connected');
        }
        break;
      case 'disconnected':
        // The browser's ICE lost the path: restart it now rather than wait and republish. A
        // restart already in flight keeps its own timer.
        if (this.#restarting) break;
        void this.restartIce();
        break;
      case 'failed':
        this.restart();
        break;
      default:
        break;
    }
  }
}
