import type { CallerMediaState, CallerPlatform, LocationFix } from '@sightline/protocol';
import type { DeviceCopy } from './device-copy.js';
import type { LocationTracker } from './location-tracker.js';
import { OfficerView } from './officer-view.js';
import { openCamera, Publisher, type VideoStep } from './publisher.js';
import { QualityTracker, StatsSampler, stepFor } from './quality.js';
import type { Signalling } from './signalling.js';
import type { Store } from './store.js';

/** A GPS timeout this soon after a fix is a hiccup, not "location unavailable". */
const LOCATION_STALE_MS = 30_000;
/**
 * Silence from the server on a connected publish for this long means the path is gone. Janus
 * sends a live publisher feedback (transport-wide congestion control) several times a second,
 * so a second of nothing is no lull. A wrong guess costs only an ICE restart on the same
 * connection, which the officer does not see.
 */
const SILENT_MS = 1_000;
/** How often the liveness check looks (the detection is SILENT_MS plus up to this). */
const LIVENESS_EVERY_MS = 200;

/** When the device copy starts: after live video is up, or at the latest after the fallback. */
const COPY_AFTER_CONNECTED_MS = 1_500;
const COPY_FALLBACK_MS = 5_000;
/** Parts of the device copy one call may start (camera switches, recorder failures). */
const MAX_COPY_PARTS = 20;

/** Bandwidth estimation ramps up for the first seconds; judge quality only after that. */
const QUALITY_WARMUP_MS = 6_000;

/**
 * Everything the phone captures and sends: camera and microphone (with the
 * caller's controls), location, the quality steps, the full-quality device copy,
 * and, for two-way calls, the officer's video coming back.
 */
export class MediaController {
  #publisher: Publisher | null = null;
  #deviceCopy: DeviceCopy | null = null;
  #deviceCopies: DeviceCopy[] = [];
  #lastFixAt = 0;
  #quality = new QualityTracker();
  #stats = new StatsSampler();
  #step: VideoStep = 'smooth';
  #qualityTimer: ReturnType<typeof setInterval> | null = null;
  #livenessTimer: ReturnType<typeof setInterval> | null = null;
  #backOnlineAt = 0;
  #lastQualitySent = 0;
  #officerView: OfficerView | null = null;
  readonly #reported: Record<string, string> = {};
  /** Set by stop(): the session is over, and a camera still opening must not come back on. */
  #stopped = false;

  constructor(
    private readonly store: Store,
    private readonly signalling: () => Signalling | null,
    /** ICE servers and policy as the server last sent them (TURN credentials are renewed). */
    private readonly rtcConfig: () => RTCConfiguration,
    readonly preview: HTMLVideoElement,
    readonly officer: HTMLVideoElement,
    /** The video's simulcast layers as the server last allowed them (simulcast.ts), or undefined. */
    private readonly videoEncodings: () => RTCRtpEncodingParameters[] | undefined = () => undefined,
    /** The platform env.ts detected, told to the server with each offer. */
    private readonly platform: CallerPlatform = 'other',
    /** Location for hours (device copy, resume, "tracking stopped"); null where not wanted (tests). */
    private readonly tracker: LocationTracker | null = null,
  ) {}

  /** Opens camera and location as the link's mode allows (again, after a refusal is fixed). */
  async share(): Promise<void> {
    const s = this.store.state;
    if (s.location !== 'on') this.startLocation(s.mode === 'location');
    if (s.mode !== 'location' && s.camera !== 'on') {
      // No WebRTC (an old browser): no video, but location, chat and files still work.
      if (typeof RTCPeerConnection !== 'function') {
        this.store.update({ camera: 'unavailable', microphone: 'unavailable' });
        this.report('camera', 'unavailable');
      } else {
        await this.startCamera().catch(() => {
          if (this.#stopped) return;
          this.store.update({ camera: 'unavailable' });
          this.report('camera', 'unavailable');
        });
      }
    }
    // The session may have ended while the camera was opening: the ended screen stays.
    if (!this.#stopped) this.store.update({ screen: 'live' });
  }

  private async startCamera(): Promise<void> {
    const capture = await openCamera();
    if (this.#stopped) {
      for (const t of capture.stream?.getTracks() ?? []) t.stop();
      return;
    }
    this.store.update({ camera: capture.camera, microphone: capture.microphone });
    this.report('camera', capture.camera);
    this.report('microphone', capture.microphone);
    if (!capture.stream) return;
    if (capture.stream.getVideoTracks().length) this.preview.srcObject = capture.stream;
    const publisher = new Publisher(
      capture.stream,
      this.rtcConfig,
      {
        // The server picks the codec by platform, and cannot tell an iPad from a Mac by itself.
        sendOffer: (sdp, id, iceRestart) =>
          this.signalling()?.send({
            type: 'publish.offer',
            id,
            sdp,
            platform: this.platform,
            ...(iceRestart ? { iceRestart } : {}),
          }),
        sendCandidate: (c) =>
          this.signalling()?.send({
            type: 'publish.candidate',
            candidate: c?.candidate
              ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
              : null,
          }),
        onState: (media) => {
          if (this.#stopped) return;
          this.store.update({ media });
          if (media === 'connected') copySoon(COPY_AFTER_CONNECTED_MS);
          // Media trouble is usually network trouble (a new address after Wi-Fi → 4G leaves
          // the socket hanging too): check the signalling now, not at the next heartbeat,
          // so the fresh publish is not stuck behind a dead socket.
          else if (media === 'reconnecting') this.signalling()?.reconnectNow();
        },
      },
      this.videoEncodings,
    );
    // The recorder is a second encoder. Starting it with the live connection slowed the
    // officer's first frame by about 100 ms on a 2-core machine, so it waits until live
    // video is flowing (the server records the live stream from its first packet), or
    // starts anyway if the live connection is slow to come up.
    let copyTimer: ReturnType<typeof setTimeout> | null = null;
    const copySoon = (ms: number) => {
      if (copyTimer === null || ms < COPY_FALLBACK_MS) {
        if (copyTimer) clearTimeout(copyTimer);
        copyTimer = setTimeout(() => {
          if (this.#publisher === publisher && !this.#deviceCopy) void this.startDeviceCopy(publisher.stream);
        }, ms);
      }
    };
    this.#publisher = publisher;
    this.store.update({ torch: publisher.torchSupported() ? false : null });
    await publisher.start();
    if (this.#stopped) return;
    this.sendMediaState();
    this.startQualityLoop();
    this.startLivenessCheck();
    copySoon(COPY_FALLBACK_MS);
  }

  acceptAnswer(sdp: string, offerId?: string): void {
    void this.#publisher?.acceptAnswer(sdp, offerId);
  }

  restart(): void {
    this.#publisher?.restart();
  }

  /** The server answered message `ref` with an error: if it was our ICE restart, publish afresh. */
  offerRefused(ref: string): boolean {
    return this.#publisher?.offerRefused(ref) ?? false;
  }

  /** Fresh ICE servers arrived: a publish stuck with an expired TURN credential starts again with them. */
  iceRenewed(): void {
    this.#publisher?.iceRenewed();
  }

  /** Back on a network (perhaps a different one): a media connection that is not healthy is replaced now. */
  networkChanged(): void {
    this.#backOnlineAt = Date.now();
    const pc = this.#publisher?.connection;
    // A connection the browser still calls connected may simply resume on the same path
    // (no new publish, no new candidates to gather); the liveness check restarts it if not.
    // One that is not connected is given new ICE (a new address), not a new publish.
    if (pc && pc.connectionState !== 'connected') void this.#publisher?.restartIce();
  }

  async switchCamera(): Promise<void> {
    const p = this.#publisher;
    if (!p) return;
    const to = this.store.state.facing === 'back' ? 'front' : 'back';
    await p.switchCamera(to);
    this.preview.srcObject = p.stream;
    this.store.update({ facing: to, torch: p.torchSupported() ? false : null });
    this.sendMediaState();
    // A recorder cannot change tracks mid-way: finish this part of the device copy and start the next.
    void this.#deviceCopy?.stop();
    void this.startDeviceCopy(p.stream);
  }

  togglePause(): void {
    const paused = !this.store.state.videoPaused;
    this.#publisher?.setVideoPaused(paused);
    this.store.update({ videoPaused: paused });
    this.sendMediaState();
  }

  toggleMute(): void {
    const muted = !this.store.state.muted;
    this.#publisher?.setMuted(muted);
    this.store.update({ muted });
    this.sendMediaState();
  }

  async toggleTorch(on = !this.store.state.torch): Promise<void> {
    if (await this.#publisher?.setTorch(on)) {
      this.store.update({ torch: on });
      this.sendMediaState();
    }
  }

  /** Two-way: the officer's camera is offered; answer and show it. */
  async officerOffer(sdp: string): Promise<void> {
    this.#officerView ??= new OfficerView(this.rtcConfig, {
      sendAnswer: (answer) => this.signalling()?.send({ type: 'officer-view.answer', sdp: answer }),
      sendCandidate: (c) =>
        this.signalling()?.send({
          type: 'officer-view.candidate',
          candidate: c?.candidate
            ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
            : null,
        }),
      onStream: (stream) => {
        this.officer.srcObject = stream;
        this.store.update({ officerVideo: stream !== null });
      },
    });
    await this.#officerView.accept(sdp);
  }

  officerEnded(): void {
    this.#officerView?.close();
  }

  /** Stops capturing. Resolves when the device copy has been sent (the page should stay open until then). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#qualityTimer) clearInterval(this.#qualityTimer);
    if (this.#livenessTimer) clearInterval(this.#livenessTimer);
    this.tracker?.stop();
    const copies = [...this.#deviceCopies];
    const stopping = copies.map((c) => c.stop());
    this.#publisher?.stop();
    this.#publisher = null;
    this.#officerView?.close();
    this.preview.srcObject = null;
    await Promise.all(stopping);
  }

  /** Bytes of the device copy not yet on the server. */
  get pendingBytes(): number {
    return this.#deviceCopies.reduce((a, c) => a + (c.finished ? 0 : c.remainingBytes), 0);
  }

  private async startDeviceCopy(stream: MediaStream): Promise<void> {
    const { DeviceCopy } = await import('./device-copy.js');
    const copy = DeviceCopy.start(
      stream,
      () => this.updateDeviceCopyProgress(),
      // The recorder failed on its own: start the next part (a few times at most, not in a loop).
      () => {
        if (!this.#stopped && this.#deviceCopy === copy && this.#deviceCopies.length < MAX_COPY_PARTS)
          void this.startDeviceCopy(stream);
      },
    );
    if (!copy) return;
    this.#deviceCopy = copy;
    this.#deviceCopies.push(copy);
    copy.setAllowed(this.store.state.quality === 'good' || this.store.state.quality === null);
  }

  private updateDeviceCopyProgress(): void {
    // A part that recorded nothing is no copy: the page must not say one was sent.
    const copies = this.#deviceCopies.filter((c) => !c.empty);
    if (!copies.length) {
      this.store.update({ deviceCopyPercent: null });
      return;
    }
    const total = copies.reduce((a, c) => a + c.totalBytes, 0);
    const sent = copies.reduce((a, c) => a + c.sentBytes, 0);
    const done = copies.every((c) => c.finished);
    this.store.update({
      deviceCopyPercent: done ? 100 : total ? Math.min(99, Math.floor((100 * sent) / total)) : 0,
    });
  }

  private startLocation(batteryAware: boolean): void {
    this.tracker?.start(batteryAware, {
      onFix: (fix: LocationFix) => {
        this.#lastFixAt = Date.now();
        this.report('location', 'on');
        this.store.update({ location: 'on', accuracy: fix.accuracy });
      },
      onError: (kind) => {
        // Phones time out between fixes indoors; only a refusal or a lasting gap changes the state.
        if (kind === 'unavailable' && Date.now() - this.#lastFixAt < LOCATION_STALE_MS) return;
        this.store.update({ location: kind });
        this.report('location', kind);
      },
    });
  }

  /**
   * Restarts ICE as soon as the server goes quiet, rather than waiting for the browser's ICE
   * to give up (6–7 s after a change of address, which Chromium does not notice by itself).
   */
  private startLivenessCheck(): void {
    this.#livenessTimer ??= setInterval(async () => {
      // Offline, a new publish could not even gather candidates; "online" starts one.
      if (navigator.onLine === false || Date.now() - this.#backOnlineAt < SILENT_MS) return;
      const p = this.#publisher;
      if (p && (await p.silentFor(SILENT_MS)) && this.#publisher === p) {
        this.signalling()?.mediaSilent();
        void p.restartIce();
      }
    }, LIVENESS_EVERY_MS);
  }

  private startQualityLoop(): void {
    const started = Date.now();
    this.#qualityTimer ??= setInterval(async () => {
      const pc = this.#publisher?.connection;
      if (pc?.connectionState !== 'connected' || Date.now() - started < QUALITY_WARMUP_MS) return;
      const sample = await this.#stats.sample(pc).catch(() => null);
      if (!sample) return;
      const before = this.store.state.quality;
      const level = this.#quality.push(sample);
      const step = stepFor(level);
      if (step !== this.#step) {
        this.#step = step;
        await this.#publisher?.setStep(step);
      }
      if (level !== before) {
        this.store.update({ quality: level });
        // The full-quality copy waits while the network is busy with live video.
        for (const c of this.#deviceCopies) c.setAllowed(level === 'good');
      }
      if (level !== before || Date.now() - this.#lastQualitySent > 10_000) {
        this.#lastQualitySent = Date.now();
        this.signalling()?.send({ type: 'quality', level, kbps: Math.round(sample.kbps) });
      }
    }, 2_000);
  }

  private sendMediaState(): void {
    const s = this.store.state;
    const state: CallerMediaState = {
      video: s.camera !== 'on' ? 'off' : s.videoPaused ? 'paused' : 'on',
      audio: s.microphone !== 'on' ? 'off' : s.muted ? 'muted' : 'on',
      camera: s.camera === 'on' ? s.facing : 'unknown',
      torch: s.torch === true,
    };
    this.signalling()?.send({ type: 'media.state', state });
  }

  /** Tells the officer about a permission only when its state actually changes. */
  private report(kind: 'camera' | 'microphone' | 'location', state: string): void {
    const mapped = state === 'on' ? 'granted' : state === 'denied' ? 'denied' : 'unavailable';
    if (this.#reported[kind] === mapped) return;
    this.#reported[kind] = mapped;
    this.signalling()?.send({ type: 'permission', kind, state: mapped });
  }
}
