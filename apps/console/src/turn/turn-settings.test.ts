import type { TurnSettings } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import type { GatheringPeer } from './turn-check.js';
import { gatherRelay, parseCandidate } from './turn-check.js';
import { describeCheck, TurnSettingsStore } from './turn-settings-store.js';

const SETTINGS: TurnSettings = {
  turnConfigured: true,
  turnUrls: ['turn:10.0.0.1:3478?transport=udp'],
  ttlSeconds: 3600,
  callerPolicy: 'relay',
  stunUrls: [],
};
const GRANT = {
  iceServers: [{ urls: SETTINGS.turnUrls, username: '1893456000:check-o1', credential: 'x' }],
  expiresAt: 1_893_456_000_000,
};
const RELAY =
  'candidate:1 1 udp 41885439 10.77.0.1 50123 typ relay raddr 10.77.11.2 rport 40000 generation 0';
const HOST = 'candidate:2 1 udp 2122260223 10.77.11.2 40000 typ host generation 0';

/** A PeerConnection that "gathers" what it is told to, after the offer is set. */
function fakePeer(script: (pc: GatheringPeer) => void) {
  const seen: { config?: unknown; closed: boolean } = { closed: false };
  const create = (config: unknown): GatheringPeer => {
    seen.config = config;
    const pc: GatheringPeer = {
      onicecandidate: null,
      onicecandidateerror: null,
      createDataChannel: () => ({}),
      createOffer: async () => ({ type: 'offer', sdp: 'v=0' }),
      setLocalDescription: async () => {
        setTimeout(() => script(pc), 0);
      },
      close: () => {
        seen.closed = true;
      },
    };
    return pc;
  };
  return { create, seen };
}

describe('TURN check from the browser', () => {
  it('reads candidate lines', () => {
    expect(parseCandidate(RELAY)).toEqual({ type: 'relay', address: '10.77.0.1', port: 50123 });
    expect(parseCandidate(`a=${HOST}`)?.type).toBe('host');
    expect(parseCandidate('garbage')).toBeNull();
  });

  it('gathers relay-only and reports the relay address, closing the connection', async () => {
    const peer = fakePeer((pc) => {
      pc.onicecandidate?.({ candidate: { candidate: RELAY } });
      pc.onicecandidate?.({ candidate: null });
    });
    const result = await gatherRelay(GRANT.iceServers, peer.create);
    expect(peer.seen.config).toEqual({ iceServers: GRANT.iceServers, iceTransportPolicy: 'relay' });
    expect(result).toEqual({ relays: ['10.77.0.1:50123'], errors: [], complete: true });
    expect(peer.seen.closed).toBe(true);
  });

  it('says when the TURN server refused the credential (401), and obtained nothing', async () => {
    const peer = fakePeer((pc) => {
      pc.onicecandidateerror?.({
        url: 'turn:10.0.0.1:3478?transport=udp',
        errorCode: 401,
        errorText: 'Unauthorized',
      });
      pc.onicecandidate?.({ candidate: null });
    });
    const store = new TurnSettingsStore(
      { turnSettings: async () => SETTINGS, turnCheck: async () => GRANT },
      peer.create,
    );
    await store.runCheck();
    expect(store.get().check.result?.relays).toEqual([]);
    expect(describeCheck(store.get().check)).toMatch(
      /^No relay candidate: the TURN server refused the credential \(401/,
    );
  });

  it('gives up after the time allowed when the TURN server never answers', async () => {
    const peer = fakePeer(() => {});
    const store = new TurnSettingsStore(
      { turnSettings: async () => SETTINGS, turnCheck: async () => GRANT },
      peer.create,
      20,
    );
    await store.runCheck();
    expect(store.get().check).toMatchObject({ state: 'done', result: { relays: [], complete: false } });
    expect(describeCheck(store.get().check)).toMatch(/did not answer/);
    expect(peer.seen.closed).toBe(true);
  });

  it('reports success in words, and the server refusing (no TURN configured) as an error', async () => {
    const ok = new TurnSettingsStore(
      { turnSettings: async () => SETTINGS, turnCheck: async () => GRANT },
      fakePeer((pc) => {
        pc.onicecandidate?.({ candidate: { candidate: HOST } });
        pc.onicecandidate?.({ candidate: { candidate: RELAY } });
        pc.onicecandidate?.({ candidate: null });
      }).create,
    );
    await ok.load();
    expect(ok.get().settings).toEqual(SETTINGS);
    await ok.runCheck();
    expect(describeCheck(ok.get().check)).toMatch(/^Relay candidate obtained \(10\.77\.0\.1:50123\)/);

    const none = new TurnSettingsStore(
      {
        turnSettings: async () => ({ ...SETTINGS, turnConfigured: false }),
        turnCheck: async () => {
          throw new ApiRequestError(409, 'turn_not_configured', 'No TURN server is configured.');
        },
      },
      fakePeer(() => {}).create,
    );
    await none.runCheck();
    expect(none.get().check).toEqual({
      state: 'error',
      result: null,
      error: 'No TURN server is configured.',
    });
  });
});
