import type { ServerToConsole, VideoLayer } from '@sightline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveViewer, type PeerLike } from './live-viewer.js';

/** A peer whose inbound counters the test moves on: `lossEvery` loses one packet in that many. */
class CountingPeer implements PeerLike {
  connectionState = 'new';
  ontrack: PeerLike['ontrack'] = null;
  onicecandidate: PeerLike['onicecandidate'] = null;
  onconnectionstatechange: (() => void) | null = null;
  received = 0;
  lost = 0;
  lossPct = 0;
  async setRemoteDescription() {}
  async createAnswer() {
    return { type: 'answer' as const, sdp: 'v=0 answer' };
  }
  async setLocalDescription() {}
  async getStats() {
    // One second of a 100-packet, 30-frame stream.
    this.received += 100 - this.lossPct;
    this.lost += this.lossPct;
    const frames = Math.round(this.received / 3.3);
    return {
      values: () => [
        {
          type: 'inbound-rtp',
          kind: 'video',
          timestamp: Date.now(),
          bytesReceived: this.received * 1000,
          framesDecoded: frames,
          framesReceived: frames,
          packetsReceived: this.received,
          packetsLost: this.lost,
          jitterBufferDelay: frames * 0.05,
          jitterBufferEmittedCount: frames,
        },
      ],
    };
  }
  close() {}
}

function watch(layer?: VideoLayer) {
  const sent: Array<Record<string, unknown>> = [];
  const handlers = new Set<(m: ServerToConsole) => void>();
  const peer = new CountingPeer();
  let seq = 0;
  const socket = {
    send: (msg: Record<string, unknown>) => {
      sent.push({ ...msg, id: `m${++seq}` });
      return `m${seq}`;
    },
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onOpen: () => () => {},
    connected: true,
  };
  const viewer = new LiveViewer('s1', {
    socket: socket as never,
    iceServers: () => [],
    createPeer: () => peer,
    ...(layer ? { layer } : {}),
  });
  const offer = async () => {
    const start = [...sent].reverse().find((m) => m.type === 'view.start')!;
    for (const h of [...handlers])
      h({ type: 'view.offer', viewId: 'v1', sessionId: 's1', sdp: 'v=0', ref: start.id as string });
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  const tick = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await vi.advanceTimersByTimeAsync(1000);
    }
  };
  return { viewer, sent, peer, offer, tick, layers: () => sent.filter((m) => m.type === 'view.layer') };
}

describe('LiveViewer layers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('the control room asks for no layer (the full one); a wall tile asks for the light one', () => {
    const room = watch();
    room.viewer.setPublishing(true);
    expect(room.sent[0]).toEqual({ type: 'view.start', sessionId: 's1', id: 'm1' });
    const tile = watch('low');
    tile.viewer.setPublishing(true);
    expect(tile.sent[0]).toMatchObject({ type: 'view.start', layer: 'low' });
    expect(tile.viewer.state.get()).toMatchObject({ layer: 'low', served: 'low' });
  });

  it('switching layer during a view tells the server at once, without a new view', async () => {
    const w = watch();
    w.viewer.setPublishing(true);
    await w.offer();
    w.viewer.setLayer('low');
    expect(w.layers()).toEqual([expect.objectContaining({ viewId: 'v1', layer: 'low' })]);
    expect(w.sent.filter((m) => m.type === 'view.start')).toHaveLength(1);
    w.viewer.setLayer('low');
    expect(w.layers()).toHaveLength(1);
  });

  it('auto starts light, climbs to the full layer on a clean link, and drops back when the link starts losing', async () => {
    const w = watch('auto');
    w.viewer.setPublishing(true);
    expect(w.sent[0]).toMatchObject({ layer: 'auto' });
    await w.offer();
    await w.tick(12);
    expect(w.layers().map((m) => m.layer)).toEqual(['high']);
    expect(w.viewer.state.get().served).toBe('high');
    w.peer.lossPct = 10;
    await w.tick(5);
    expect(w.layers().map((m) => m.layer)).toEqual(['high', 'low']);
    expect(w.viewer.state.get()).toMatchObject({ layer: 'auto', served: 'low' });
  });

  it('a fixed layer never adapts, however bad the link', async () => {
    const w = watch('high');
    w.viewer.setPublishing(true);
    await w.offer();
    w.peer.lossPct = 20;
    await w.tick(10);
    expect(w.layers()).toEqual([]);
  });
});
