import type { CallFeed, InterpreterToServer, ServerToInterpreter } from '@sightline/protocol';
import { OfficerView } from '../officer-view.js';

type Feed = Exclude<CallFeed, 'interpreter'>;

export interface CallCallbacks {
  welcome(msg: Extract<ServerToInterpreter, { type: 'welcome' }>): void;
  /** A party's stream to show (null: it stopped). */
  stream(feed: Feed, stream: MediaStream | null): void;
  ended(reason: string): void;
  failed(message: string): void;
}

const candidate = (c: RTCIceCandidateInit | null) =>
  c?.candidate
    ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
    : null;

/**
 * The interpreter's side of the call: their socket, their camera (published once they agree to
 * being recorded) and the caller's and officer's feeds the server offers. Browsers never speak
 * to the media server directly: every SDP goes through our signalling.
 */
export class InterpreterCall {
  #ws: WebSocket | null = null;
  #rtc: RTCConfiguration = { iceServers: [] };
  #pc: RTCPeerConnection | null = null;
  readonly #views = new Map<Feed, OfficerView>();

  constructor(private readonly cb: CallCallbacks) {}

  connect(): void {
    const ws = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/interpreter`,
    );
    this.#ws = ws;
    ws.onmessage = (e) => this.#handle(JSON.parse(String(e.data)) as ServerToInterpreter);
    ws.onclose = (e) => {
      if (e.code !== 4002 && e.code !== 1000) this.cb.failed('The connection to the server was lost.');
    };
  }

  consent(decision: 'accepted' | 'refused'): void {
    this.#send({ type: 'consent', decision });
  }

  /** Publishes the interpreter's camera and microphone (after consent). */
  async publish(stream: MediaStream): Promise<void> {
    const pc = new RTCPeerConnection(this.#rtc);
    this.#pc = pc;
    for (const track of stream.getTracks())
      pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    pc.onicecandidate = (e) =>
      this.#send({ type: 'publish.candidate', candidate: candidate(e.candidate?.toJSON() ?? null) });
    await pc.setLocalDescription(await pc.createOffer());
    this.#send({ type: 'publish.offer', sdp: pc.localDescription?.sdp ?? '' });
  }

  leave(): void {
    this.#send({ type: 'leave' });
  }

  close(): void {
    this.#pc?.close();
    for (const v of this.#views.values()) v.close();
    this.#ws?.close(1000, 'done');
  }

  #send(msg: InterpreterToServer): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(msg));
  }

  #view(feed: Feed): OfficerView {
    let view = this.#views.get(feed);
    if (!view) {
      view = new OfficerView(() => this.#rtc, {
        sendAnswer: (sdp) => this.#send({ type: 'feed.answer', feed, sdp }),
        sendCandidate: (c) => this.#send({ type: 'feed.candidate', feed, candidate: candidate(c) }),
        onStream: (stream) => this.cb.stream(feed, stream),
      });
      this.#views.set(feed, view);
    }
    return view;
  }

  #handle(msg: ServerToInterpreter): void {
    switch (msg.type) {
      case 'welcome':
        this.#rtc = { iceServers: msg.iceServers, iceTransportPolicy: msg.iceTransportPolicy };
        this.cb.welcome(msg);
        return;
      case 'ice.servers':
        // Renewed before the last credential expires: the next view or publish uses these.
        this.#rtc = { ...this.#rtc, iceServers: msg.iceServers };
        return;
      case 'publish.answer':
        void this.#pc?.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
        return;
      case 'feed.offer':
        if (msg.feed !== 'interpreter') void this.#view(msg.feed).accept(msg.sdp);
        return;
      case 'feed.ended':
        if (msg.feed !== 'interpreter') this.#views.get(msg.feed)?.close();
        return;
      case 'ended':
        this.cb.ended(msg.reason);
        return;
      case 'error':
        if (msg.code !== 'session_not_live') this.cb.failed(msg.message);
        return;
      default:
        return;
    }
  }
}
