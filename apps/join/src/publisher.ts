/** What the camera/microphone request produced. */
export interface Capture {
  stream: MediaStream | null;
  camera: 'on' | 'denied' | 'unavailable';
  microphone: 'on' | 'denied' | 'unavailable';
}

const VIDEO: MediaTrackConstraints = {
  facingMode: { ideal: 'environment' },
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
};

/**
 * Opens the rear camera and microphone. If the pair is refused, tries each on
 * its own, so a caller who allows only one still shares it.
 */
export async function openCamera(): Promise<Capture> {
  if (!navigator.mediaDevices?.getUserMedia)
    return { stream: null, camera: 'unavailable', microphone: 'unavailable' };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: VIDEO,
      audio: { echoCancellation: true, noiseSuppression: true },
    });
    return { stream, camera: 'on', microphone: 'on' };
  } catch (both) {
    const [video, audio] = await Promise.all([tryGet({ video: VIDEO }), tryGet({ audio: true })]);
    const tracks = [...(video.stream?.getTracks() ?? []), ...(audio.stream?.getTracks() ?? [])];
    return {
      stream: tracks.length ? new MediaStream(tracks) : null,
      camera: video.stream ? 'on' : classify(video.error ?? both),
      microphone: audio.stream ? 'on' : classify(audio.error ?? both),
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
  sendOffer(sdp: string): void;
  sendCandidate(c: RTCIceCandidateInit | null): void;
  onState(state: 'connecting' | 'connected' | 'reconnecting' | 'failed'): void;
}

/** How long a "disconnected" PeerConnection may stay so before we publish afresh. */
const DISCONNECT_GRACE_MS = 2_500;

/**
 * Sends the caller's stream to the server over WebRTC. Any failure of the
 * connection leads to a fresh publish, with no tap needed.
 */
export class Publisher {
  #pc: RTCPeerConnection | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(
    private readonly stream: MediaStream,
    private readonly iceServers: RTCIceServer[],
    private readonly cb: PublisherCallbacks,
  ) {}

  async start(): Promise<void> {
    if (this.#stopped) return;
    this.#pc?.close();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' });
    this.#pc = pc;
    for (const track of this.stream.getTracks())
      pc.addTransceiver(track, { direction: 'sendonly', streams: [this.stream] });
    pc.onicecandidate = (e) => {
      if (this.#pc === pc) this.cb.sendCandidate(e.candidate ? e.candidate.toJSON() : null);
    };
    pc.onconnectionstatechange = () => this.#onConnectionState(pc);
    this.cb.onState('connecting');
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.cb.sendOffer(pc.localDescription?.sdp ?? offer.sdp ?? '');
  }

  async acceptAnswer(sdp: string): Promise<void> {
    if (this.#pc && this.#pc.signalingState === 'have-local-offer')
      await this.#pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /** Publishes again on a new connection (after a media server restart or a failure). */
  restart(): void {
    if (this.#stopped) return;
    this.cb.onState('reconnecting');
    void this.start();
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
    if (this.#timer) clearTimeout(this.#timer);
    switch (pc.connectionState) {
      case 'connected':
        this.cb.onState('connected');
        break;
      case 'disconnected':
        this.cb.onState('reconnecting');
        this.#timer = setTimeout(
          () => pc.connectionState !== 'connected' && this.restart(),
          DISCONNECT_GRACE_MS,
        );
        break;
      case 'failed':
        this.restart();
        break;
      default:
        break;
    }
  }
}
