/**
 * Receives one camera the server offers: the officer's (two-way video) or an interpreter's.
 * The server (Janus) makes the offer; the page answers and plays the stream.
 */
export class OfficerView {
  #pc: RTCPeerConnection | null = null;

  constructor(
    private readonly rtcConfig: () => RTCConfiguration,
    private readonly cb: {
      sendAnswer(sdp: string): void;
      sendCandidate(c: RTCIceCandidateInit | null): void;
      onStream(stream: MediaStream | null): void;
    },
  ) {}

  async accept(offer: string): Promise<void> {
    this.close();
    const pc = new RTCPeerConnection(this.rtcConfig());
    this.#pc = pc;
    pc.ontrack = (e) => this.cb.onStream(e.streams[0] ?? new MediaStream([e.track]));
    pc.onicecandidate = (e) => this.cb.sendCandidate(e.candidate ? e.candidate.toJSON() : null);
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.cb.sendAnswer(pc.localDescription?.sdp ?? answer.sdp ?? '');
  }

  close(): void {
    this.#pc?.close();
    this.#pc = null;
    this.cb.onStream(null);
  }
}
