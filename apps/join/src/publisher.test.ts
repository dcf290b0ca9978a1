import { afterEach, describe, expect, it, vi } from 'vitest';
import { Publisher } from './publisher.js';

// TURN credentials are renewed during a long call (the server's `ice.servers`): a republish
// (after a network change or a media server restart) must use the newest, not the ones the
// call started with, or an expired credential would stop the video coming back.

const made: RTCConfiguration[] = [];
class FakePeer {
  connectionState = 'new';
  signalingState = 'stable';
  localDescription = { sdp: 'v=0' };
  onicecandidate: unknown = null;
  onconnectionstatechange: unknown = null;
  constructor(config: RTCConfiguration) {
    made.push(config);
  }
  addTransceiver() {}
  async createOffer() {
    return { type: 'offer', sdp: 'v=0' };
  }
  async setLocalDescription() {}
  close() {}
}

afterEach(() => {
  vi.unstubAllGlobals();
  made.length = 0;
});

describe('Publisher and renewed ICE servers', () => {
  it('makes each new connection with the ICE servers and policy as they are at that moment', async () => {
    vi.stubGlobal('RTCPeerConnection', FakePeer);
    let config: RTCConfiguration = {
      iceServers: [{ urls: 'turn:t:3478', username: '100:c-s1', credential: 'old' }],
      iceTransportPolicy: 'relay',
    };
    const stream = { getTracks: () => [] } as unknown as MediaStream;
    const offers: string[] = [];
    const publisher = new Publisher(stream, () => config, {
      sendOffer: (_sdp, id) => offers.push(id),
      sendCandidate: () => {},
      onState: () => {},
    });
    await publisher.start();
    config = {
      iceServers: [{ urls: 'turn:t:3478', username: '200:c-s1', credential: 'new' }],
      iceTransportPolicy: 'relay',
    };
    await publisher.start(); // what restart() runs: a fresh connection
    expect(made.map((c) => c.iceServers?.[0]?.username)).toEqual(['100:c-s1', '200:c-s1']);
    expect(made.every((c) => c.iceTransportPolicy === 'relay' && c.bundlePolicy === 'max-bundle')).toBe(true);
    expect(offers).toEqual(['o1', 'o2']);
    publisher.stop();
  });

  it('a publish begun with a TURN credential that has expired starts again as soon as a fresh one arrives', async () => {
    vi.stubGlobal('RTCPeerConnection', FakePeer);
    const nowS = Math.floor(Date.now() / 1000);
    const turn = (expiresS: number) => ({
      iceServers: [{ urls: 'turn:t:3478', username: `${expiresS}:c-s1`, credential: 'x' }],
      iceTransportPolicy: 'relay' as const,
    });
    // Back online after a long outage: the publish is made before the socket is back, with
    // the last credential the page heard of, which expired during the outage.
    let config: RTCConfiguration = turn(nowS - 5);
    const stream = { getTracks: () => [] } as unknown as MediaStream;
    const publisher = new Publisher(stream, () => config, {
      sendOffer: () => {},
      sendCandidate: () => {},
      onState: () => {},
    });
    await publisher.start();
    config = turn(nowS + 3600); // the reconnect's welcome
    publisher.iceRenewed();
    await vi.waitFor(() => expect(made).toHaveLength(2));
    expect(made[1]?.iceServers?.[0]?.username).toBe(`${nowS + 3600}:c-s1`);

    // Still trying, with a credential that is good: left alone.
    publisher.iceRenewed();
    expect(made).toHaveLength(2);
    publisher.stop();

    // Connected past its credential's expiry (coturn checks it only when a relay is opened):
    // the call goes on undisturbed.
    config = turn(nowS - 5);
    const connected = new Publisher(stream, () => config, {
      sendOffer: () => {},
      sendCandidate: () => {},
      onState: () => {},
    });
    await connected.start();
    (connected.connection as unknown as FakePeer).connectionState = 'connected';
    config = turn(nowS + 3600);
    connected.iceRenewed();
    expect(made).toHaveLength(3);
    connected.stop();
  });
});
