import type { ServerToConsole } from '@sightline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cameraError, OfficerCamera, type PublisherPeer } from './officer-camera.js';

class FakePeer implements PublisherPeer {
  connectionState = 'new';
  onicecandidate: PublisherPeer['onicecandidate'] = null;
  onconnectionstatechange: (() => void) | null = null;
  transceivers: RTCRtpTransceiverInit[] = [];
  remote: RTCSessionDescriptionInit | null = null;
  closed = false;
  addTransceiver(_t: MediaStreamTrack, init: RTCRtpTransceiverInit) {
    this.transceivers.push(init);
  }
  async createOffer() {
    return { type: 'offer' as const, sdp: 'v=0 offer' };
  }
  async setLocalDescription() {}
  async setRemoteDescription(d: RTCSessionDescriptionInit) {
    this.remote = d;
  }
  close() {
    this.closed = true;
  }
  candidate(c: string | null) {
    this.onicecandidate?.({
      candidate: c ? ({ candidate: c, sdpMid: '0', sdpMLineIndex: 0 } as RTCIceCandidate) : null,
    });
  }
}

function fakeStream() {
  const tracks = [{ stop: vi.fn() }, { stop: vi.fn() }];
  return { stream: { getTracks: () => tracks } as unknown as MediaStream, tracks };
}

function harness(
  getUserMedia: (c: MediaStreamConstraints) => Promise<MediaStream> = vi.fn(async () => fakeStream().stream),
) {
  const sent: Array<Record<string, unknown>> = [];
  const handlers = new Set<(m: ServerToConsole) => void>();
  const opens = new Set<(i: { reconnect: boolean }) => void>();
  let n = 0;
  const peers: FakePeer[] = [];
  const socket = {
    connected: true,
    send: (m: Record<string, unknown>) => {
      const id = `m${++n}`;
      sent.push({ ...m, id });
      return id;
    },
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onOpen: (h: (i: { reconnect: boolean }) => void) => {
      opens.add(h);
      return () => opens.delete(h);
    },
  };
  const camera = new OfficerCamera('s1', {
    socket: socket as never,
    iceServers: () => [],
    getUserMedia,
    createPeer: () => {
      const p = new FakePeer();
      peers.push(p);
      return p;
    },
  });
  return {
    camera,
    sent,
    peers,
    getUserMedia,
    deliver: (m: ServerToConsole) => {
      for (const h of [...handlers]) h(m);
    },
    reconnect: () => {
      for (const h of [...opens]) h({ reconnect: true });
    },
    ofType: (t: string) => sent.filter((m) => m.type === t),
  };
}

async function flush() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('OfficerCamera', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('offers send-only media, trickles candidates after the answer, and goes live', async () => {
    const h = harness();
    await h.camera.start();
    await flush();
    const offer = h.ofType('officer.publish.offer')[0];
    expect(offer).toMatchObject({ sessionId: 's1', sdp: 'v=0 offer' });
    expect(h.peers[0]?.transceivers.every((t) => t.direction === 'sendonly')).toBe(true);
    h.peers[0]?.candidate('candidate:1');
    expect(h.ofType('officer.publish.candidate')).toHaveLength(0);

    h.deliver({
      type: 'officer.publish.answer',
      sessionId: 's1',
      sdp: 'v=0 answer',
      ref: offer?.id as string,
    });
    await flush();
    expect(h.peers[0]?.remote).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    h.peers[0]?.candidate(null);
    expect(h.ofType('officer.publish.candidate').map((m) => m.candidate)).toEqual([
      { candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 },
      null,
    ]);
    const pc = h.peers[0] as FakePeer;
    pc.connectionState = 'connected';
    pc.onconnectionstatechange?.();
    expect(h.camera.state.get().phase).toBe('live');
  });

  it('stops: tells the server, closes the connection and releases the camera', async () => {
    const { stream, tracks } = fakeStream();
    const h = harness(vi.fn(async () => stream));
    await h.camera.start();
    await flush();
    h.camera.stop();
    expect(h.ofType('officer.publish.stop')).toHaveLength(1);
    expect(h.peers[0]?.closed).toBe(true);
    expect(tracks.every((t) => t.stop.mock.calls.length === 1)).toBe(true);
    expect(h.camera.state.get()).toMatchObject({ phase: 'off', stream: null });
  });

  it('explains a refused or missing camera and sends nothing', async () => {
    const refused = harness(
      vi.fn(async () => {
        throw Object.assign(new Error('denied'), { name: 'NotAllowedError' });
      }),
    );
    await refused.camera.start();
    expect(refused.camera.state.get()).toMatchObject({
      phase: 'failed',
      error: expect.stringMatching(/not allowed/),
    });
    expect(refused.sent).toHaveLength(0);
    expect(cameraError({ name: 'NotFoundError' })).toMatch(/No camera/);
  });

  it('goes on without a microphone, and says the caller cannot hear', async () => {
    const getUserMedia = vi.fn(async (c: MediaStreamConstraints) => {
      if (c.audio) throw Object.assign(new Error('none'), { name: 'NotFoundError' });
      return fakeStream().stream;
    });
    const h = harness(getUserMedia);
    await h.camera.start();
    await flush();
    expect(h.camera.state.get().notice).toMatch(/cannot hear/);
    expect(h.ofType('officer.publish.offer')).toHaveLength(1);
  });

  it('reports a server refusal, and offers again after a reconnect', async () => {
    const h = harness();
    await h.camera.start();
    await flush();
    h.reconnect();
    await flush();
    expect(h.ofType('officer.publish.offer')).toHaveLength(2);
    const ref = h.ofType('officer.publish.offer')[1]?.id as string;
    h.deliver({ type: 'error', code: 'session_not_live', message: 'The caller is not connected.', ref });
    expect(h.camera.state.get()).toMatchObject({ phase: 'failed', error: 'The caller is not connected.' });
  });

  it('gives up when the media server never answers', async () => {
    const h = harness();
    await h.camera.start();
    await flush();
    vi.advanceTimersByTime(20_000);
    expect(h.camera.state.get().phase).toBe('failed');
    expect(h.ofType('officer.publish.stop')).toHaveLength(1);
  });
});
