import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Publisher } from './publisher.js';

// After a change of address the page restarts ICE on the live connection (same publisher on
// the server, same recording, the officer's view untouched) and publishes afresh only when
// that cannot work: the server refuses, or the restart is never heard from.

const peers: FakePeer[] = [];
class FakePeer {
  connectionState = 'connected';
  signalingState = 'stable';
  localDescription: { sdp: string } | null = null;
  remoteDescription: { sdp: string } | null = null;
  onicecandidate: unknown = null;
  onconnectionstatechange: unknown = null;
  offers: Array<RTCOfferOptions | undefined> = [];
  config: RTCConfiguration = {};
  getConfiguration() {
    return this.config;
  }
  setConfiguration(c: RTCConfiguration) {
    this.config = c;
  }
  /** What getStats reports for the selected pair: ms since the last packet from the server. */
  silentMs = 0;
  constructor() {
    peers.push(this);
  }
  addTransceiver() {}
  getSenders() {
    return [];
  }
  async createOffer(o?: RTCOfferOptions) {
    this.offers.push(o);
    return { type: 'offer', sdp: `v=0 offer ${this.offers.length}` };
  }
  async setLocalDescription(d: { sdp: string }) {
    this.localDescription = d;
    this.signalingState = 'have-local-offer';
  }
  async setRemoteDescription(d: { sdp: string }) {
    this.remoteDescription = d;
    this.signalingState = 'stable';
  }
  async getStats() {
    const now = 100_000;
    return new Map<string, Record<string, unknown>>([
      ['t', { type: 'transport', selectedCandidatePairId: 'p' }],
      ['p', { type: 'candidate-pair', lastPacketReceivedTimestamp: now - this.silentMs, timestamp: now }],
    ]);
  }
  close() {
    this.connectionState = 'closed';
  }
}

function harness(rtcConfig: () => RTCConfiguration = () => ({})) {
  const offers: Array<{ id: string; iceRestart: boolean }> = [];
  const publisher = new Publisher({ getTracks: () => [] } as unknown as MediaStream, rtcConfig, {
    sendOffer: (_sdp, id, iceRestart) => offers.push({ id, iceRestart: iceRestart === true }),
    sendCandidate: () => {},
    onState: () => {},
  });
  return { publisher, offers };
}

/** Publishes and applies the server's answer: a live, connected publish. */
async function live() {
  const h = harness();
  await h.publisher.start();
  await h.publisher.acceptAnswer('v=0 answer', h.offers[0]!.id);
  return h;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('RTCPeerConnection', FakePeer);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  peers.length = 0;
});

describe('Publisher ICE restart', () => {
  it('restarts ICE on the same connection and says so in the offer; no new connection is made', async () => {
    const h = await live();
    await h.publisher.restartIce();
    expect(peers).toHaveLength(1);
    expect(peers[0]!.offers.at(-1)).toEqual({ iceRestart: true });
    expect(h.offers).toEqual([
      { id: 'o1', iceRestart: false },
      { id: 'o2', iceRestart: true },
    ]);
  });

  it('once answered and heard from on the new path, the restart stands: no fresh publish follows', async () => {
    const h = await live();
    peers[0]!.silentMs = 1_500;
    expect(await h.publisher.silentFor(1_000)).toBe(true);
    await h.publisher.restartIce();
    await h.publisher.acceptAnswer('v=0 restart answer', 'o2');
    peers[0]!.silentMs = 20;
    expect(await h.publisher.silentFor(1_000)).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(peers).toHaveLength(1);
    expect(h.offers).toHaveLength(2);
  });

  it('publishes afresh when the server refuses the restart (it no longer has that publisher)', async () => {
    const h = await live();
    await h.publisher.restartIce();
    expect(h.publisher.offerRefused('o2')).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(peers).toHaveLength(2);
    expect(h.offers.at(-1)).toEqual({ id: 'o3', iceRestart: false });
  });

  it("an error about some other message is not the restart's", async () => {
    const h = await live();
    await h.publisher.restartIce();
    expect(h.publisher.offerRefused('chat-7')).toBe(false);
    expect(peers).toHaveLength(1);
  });

  it('publishes afresh when the restart is answered but the server is never heard from again', async () => {
    const h = await live();
    peers[0]!.silentMs = 1_500;
    await h.publisher.restartIce();
    await h.publisher.acceptAnswer('v=0 restart answer', 'o2');
    expect(await h.publisher.silentFor(1_000)).toBe(true);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(peers).toHaveLength(2);
    expect(h.offers.at(-1)).toEqual({ id: 'o3', iceRestart: false });
  });

  it('a connection that never had an answer is published afresh instead of restarted', async () => {
    const h = harness();
    await h.publisher.start();
    await h.publisher.restartIce();
    await vi.advanceTimersByTimeAsync(0);
    expect(peers).toHaveLength(2);
    expect(h.offers.map((o) => o.iceRestart)).toEqual([false, false]);
  });

  it('a second silence during a restart does not start another one', async () => {
    const h = await live();
    await h.publisher.restartIce();
    await h.publisher.restartIce();
    expect(h.offers).toHaveLength(2);
  });

  it('gathers for the restart with the newest TURN credential, not the one the connection began with', async () => {
    let username = '100:c-s1';
    const h = harness(() => ({ iceServers: [{ urls: 'turn:t:3478', username, credential: 'x' }] }));
    await h.publisher.start();
    await h.publisher.acceptAnswer('v=0 answer', h.offers[0]!.id);
    username = '5000:c-s1'; // renewed during the call
    await h.publisher.restartIce();
    expect(peers).toHaveLength(1); // the same connection
    expect(peers[0]!.config.iceServers?.[0]?.username).toBe('5000:c-s1');
    expect(h.offers.at(-1)?.iceRestart).toBe(true);
    h.publisher.stop();
  });
});
