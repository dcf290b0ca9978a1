import { afterEach, describe, expect, it, vi } from 'vitest';
import { prepareConnection } from './prepared-connection.js';
import { Publisher } from './publisher.js';

/** Enough of RTCPeerConnection to see what was sent, and when, and with which tracks. */
class FakePeer {
  static made: FakePeer[] = [];
  signalingState = 'stable';
  connectionState = 'new';
  localDescription: { sdp: string } | null = null;
  onicecandidate: ((e: { candidate: unknown }) => void) | null = null;
  onconnectionstatechange: unknown = null;
  closed = false;
  readonly transceivers: Array<{ receiver: { track: { kind: string } }; sender: Record<string, unknown> }> =
    [];
  constructor(readonly config: RTCConfiguration) {
    FakePeer.made.push(this);
  }
  addTransceiver(kindOrTrack: string | { kind: string }) {
    const kind = typeof kindOrTrack === 'string' ? kindOrTrack : kindOrTrack.kind;
    const sender: Record<string, unknown> = { track: typeof kindOrTrack === 'string' ? null : kindOrTrack };
    sender.replaceTrack = async (t: unknown) => {
      sender.track = t;
    };
    sender.setStreams = () => {};
    this.transceivers.push({ receiver: { track: { kind } }, sender });
  }
  getTransceivers() {
    return this.transceivers;
  }
  async createOffer() {
    return { type: 'offer', sdp: `v=0 ${this.transceivers.length} m-lines` };
  }
  async setLocalDescription(d: { sdp: string }) {
    this.localDescription = d;
    this.signalingState = 'have-local-offer';
    // Gathering starts now; the browser reports each candidate in a task of its own.
    setTimeout(() => this.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'host-1' }) } }));
  }
  close() {
    this.closed = true;
  }
}

const track = (kind: string) => ({ kind, stop: () => {} }) as unknown as MediaStreamTrack;
const nextTask = () => new Promise((r) => setTimeout(r));
const streamOf = (...kinds: string[]) => {
  const tracks = kinds.map(track);
  return { getTracks: () => tracks } as unknown as MediaStream;
};

function publisherFor(stream: MediaStream) {
  const sent: string[] = [];
  const publisher = new Publisher(stream, () => ({}), {
    sendOffer: (sdp) => sent.push(`offer ${sdp}`),
    sendCandidate: (c) => sent.push(`candidate ${c ? (c as { candidate: string }).candidate : 'end'}`),
    onState: () => {},
  });
  return { publisher, sent };
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakePeer.made = [];
});

describe('a connection prepared while the camera opens', () => {
  it('is used for the first publish: the tracks go in, the offer is sent, then the candidates found before it', async () => {
    vi.stubGlobal('RTCPeerConnection', FakePeer);
    const prepared = await prepareConnection({}, [{ rid: 'h' }]);
    await nextTask(); // a candidate found while the camera was still opening
    const stream = streamOf('audio', 'video');
    const { publisher, sent } = publisherFor(stream);
    await publisher.start(prepared);
    expect(FakePeer.made).toHaveLength(1); // no second connection
    expect(sent).toEqual(['offer v=0 2 m-lines', 'candidate host-1']);
    const [audio, video] = stream.getTracks();
    expect(FakePeer.made[0]!.transceivers.map((t) => t.sender.track)).toEqual([audio, video]);
    publisher.stop();
  });

  it('is closed, and a connection made as usual, when the camera gave a different set of tracks', async () => {
    vi.stubGlobal('RTCPeerConnection', FakePeer);
    const prepared = await prepareConnection({}, undefined);
    // The caller allowed the camera but not the microphone.
    const { publisher, sent } = publisherFor(streamOf('video'));
    await publisher.start(prepared);
    await nextTask();
    expect(FakePeer.made).toHaveLength(2);
    expect(FakePeer.made[0]!.closed).toBe(true);
    expect(sent[0]).toBe('offer v=0 1 m-lines');
    publisher.stop();
  });

  it('is closed unused when the publisher has already stopped', async () => {
    vi.stubGlobal('RTCPeerConnection', FakePeer);
    const prepared = await prepareConnection({}, undefined);
    const { publisher, sent } = publisherFor(streamOf('audio', 'video'));
    publisher.stop();
    await publisher.start(prepared);
    expect(FakePeer.made[0]!.closed).toBe(true);
    expect(sent).toEqual([]);
  });
});
