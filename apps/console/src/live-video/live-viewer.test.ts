import type { ServerToConsole } from '@sightline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveViewer, type PeerLike } from './live-viewer.js';

class FakePeer implements PeerLike {
  connectionState = 'new';
  ontrack: PeerLike['ontrack'] = null;
  onicecandidate: PeerLike['onicecandidate'] = null;
  onconnectionstatechange: (() => void) | null = null;
  closed = false;
  remote: RTCSessionDescriptionInit | null = null;
  frames = 0;
  async setRemoteDescription(desc: RTCSessionDescriptionInit) {
    this.remote = desc;
  }
  async createAnswer() {
    return { type: 'answer' as const, sdp: 'v=0 answer' };
  }
  /** What the server had been sent when the answer was applied (set by the harness). */
  onSetLocal: (() => void) | null = null;
  async setLocalDescription() {
    this.onSetLocal?.();
  }
  async getStats() {
    const frames = this.frames;
    return {
      values: () => [
        {
          type: 'inbound-rtp',
          kind: 'video',
          timestamp: Date.now(),
          bytesReceived: frames * 100,
          framesDecoded: frames,
        },
      ],
    };
  }
  close() {
    this.closed = true;
  }
  connect() {
    this.connectionState = 'connected';
    this.onconnectionstatechange?.();
  }
}

function harness(layer?: 'low') {
  const sent: Array<Record<string, unknown>> = [];
  const handlers = new Set<(m: ServerToConsole) => void>();
  const opens = new Set<(i: { reconnect: boolean }) => void>();
  let seq = 0;
  const peers: FakePeer[] = [];
  const socket = {
    send: (msg: Record<string, unknown>) => {
      const id = `m${++seq}`;
      sent.push({ ...msg, id });
      return id;
    },
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    connected: true,
    onOpen: (h: (i: { reconnect: boolean }) => void) => {
      opens.add(h);
      return () => opens.delete(h);
    },
  };
  const viewer = new LiveViewer('s1', {
    socket: socket as never,
    iceServers: () => [{ urls: 'stun:example.org' }],
    createPeer: () => {
      const p = new FakePeer();
      peers.push(p);
      return p;
    },
    retryMs: 1000,
    ...(layer ? { layer } : {}),
  });
  const deliver = (m: ServerToConsole) => {
    for (const h of [...handlers]) h(m);
  };
  const lastOf = (type: string) => [...sent].reverse().find((m) => m.type === type);
  return {
    viewer,
    sent,
    peers,
    deliver,
    lastOf,
    reconnect: () => {
      for (const h of [...opens]) h({ reconnect: true });
    },
    open: () => {
      socket.connected = true;
      for (const h of [...opens]) h({ reconnect: false });
    },
    socket,
    handlers,
  };
}

async function flush() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('LiveViewer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks for a view when the caller publishes and answers the offer', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    const start = h.lastOf('view.start');
    expect(start).toMatchObject({ sessionId: 's1' });
    h.deliver({
      type: 'view.offer',
      viewId: 'v1',
      sessionId: 's1',
      sdp: 'v=0 offer',
      ref: start?.id as string,
    });
    await flush();
    expect(h.peers[0]?.remote).toEqual({ type: 'offer', sdp: 'v=0 offer' });
    expect(h.lastOf('view.answer')).toMatchObject({ viewId: 'v1', sdp: 'v=0 answer' });
    h.peers[0]?.onicecandidate?.({ candidate: null });
    expect(h.lastOf('view.candidate')).toMatchObject({ viewId: 'v1', candidate: null });
    h.peers[0]?.connect();
    expect(h.viewer.state.get().phase).toBe('playing');
  });

  it('sends the answer before applying it, so Janus has our ICE credentials before our first check', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    const ref = h.lastOf('view.start')?.id as string;
    let answeredBeforeApplied: boolean | null = null;
    const origCreate = FakePeer.prototype.createAnswer;
    vi.spyOn(FakePeer.prototype, 'createAnswer').mockImplementation(function (this: FakePeer) {
      this.onSetLocal = () => {
        answeredBeforeApplied = h.lastOf('view.answer') !== undefined;
      };
      return origCreate.call(this);
    });
    h.deliver({ type: 'view.offer', viewId: 'v1', sessionId: 's1', sdp: 'v=0 offer', ref });
    await flush();
    expect(answeredBeforeApplied).toBe(true);
  });

  it('asks for the light layer when a wall tile wants it, and for the default otherwise', () => {
    const tile = harness('low');
    tile.viewer.setPublishing(true);
    expect(tile.lastOf('view.start')).toMatchObject({ sessionId: 's1', layer: 'low' });
    const page = harness();
    page.viewer.setPublishing(true);
    expect(page.lastOf('view.start')).not.toHaveProperty('layer');
  });

  it('treats "not live yet" quietly and tries again', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    const ref = h.lastOf('view.start')?.id as string;
    h.deliver({ type: 'error', code: 'session_not_live', message: 'not live', ref });
    expect(h.viewer.state.get().problem).toBeNull();
    vi.advanceTimersByTime(1000);
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(2);
  });

  it('while the caller publishes afresh, looks again every few hundred ms without backing off', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    for (let i = 1; i <= 4; i++) {
      const ref = h.lastOf('view.start')?.id as string;
      h.deliver({ type: 'error', code: 'session_not_live', message: 'not live', ref });
      vi.advanceTimersByTime(400);
      expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(i + 1);
    }
  });

  it('closes the connection when publishing stops, and starts a new view when it returns', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    h.deliver({
      type: 'view.offer',
      viewId: 'v1',
      sessionId: 's1',
      sdp: 'v=0 offer',
      ref: h.lastOf('view.start')?.id as string,
    });
    await flush();
    h.viewer.setPublishing(false);
    expect(h.peers[0]?.closed).toBe(true);
    expect(h.lastOf('view.stop')).toMatchObject({ viewId: 'v1' });
    expect(h.viewer.state.get().phase).toBe('interrupted');
    h.viewer.setPublishing(true);
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(2);
  });

  it('keeps its view through a stall (the phone changing network), and asks for no new one when the media flows again', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    h.deliver({
      type: 'view.offer',
      viewId: 'v1',
      sessionId: 's1',
      sdp: 'v=0 offer',
      ref: h.lastOf('view.start')?.id as string,
    });
    await flush();
    h.viewer.setPublishing(false, true);
    expect(h.peers[0]?.closed).toBe(false);
    expect(h.lastOf('view.stop')).toBeUndefined();
    expect(h.viewer.state.get().phase).toBe('interrupted');
    h.viewer.setPublishing(true);
    vi.advanceTimersByTime(2_000);
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(1);
    // The publisher went after all: the server ends the view, and none is asked for until it is back.
    h.viewer.setPublishing(false, true);
    h.deliver({ type: 'view.ended', viewId: 'v1', reason: 'caller stopped sending' });
    expect(h.peers[0]?.closed).toBe(true);
    vi.advanceTimersByTime(2_000);
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(1);
    h.viewer.setPublishing(true);
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(2);
  });

  it('retries after view.ended while the caller still publishes', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    h.deliver({
      type: 'view.offer',
      viewId: 'v1',
      sessionId: 's1',
      sdp: 'v=0 offer',
      ref: h.lastOf('view.start')?.id as string,
    });
    await flush();
    h.deliver({ type: 'view.ended', viewId: 'v1', reason: 'media server restarted' });
    expect(h.peers[0]?.closed).toBe(true);
    expect(h.viewer.state.get().phase).toBe('interrupted');
    vi.advanceTimersByTime(1000);
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(2);
  });

  it('restarts the view after the socket reconnects, without stopping the dead one', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    h.deliver({
      type: 'view.offer',
      viewId: 'v1',
      sessionId: 's1',
      sdp: 'v=0 offer',
      ref: h.lastOf('view.start')?.id as string,
    });
    await flush();
    h.reconnect();
    expect(h.peers[0]?.closed).toBe(true);
    expect(h.lastOf('view.stop')).toBeUndefined();
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(2);
  });

  it('counts frames decoded across views, once a second', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    h.deliver({
      type: 'view.offer',
      viewId: 'v1',
      sessionId: 's1',
      sdp: 'v=0 offer',
      ref: h.lastOf('view.start')?.id as string,
    });
    await flush();
    h.peers[0]!.frames = 40;
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.viewer.state.get().stats.framesDecoded).toBe(40);
    h.deliver({ type: 'view.ended', viewId: 'v1', reason: 'gone' });
    await vi.advanceTimersByTimeAsync(1000);
    h.deliver({
      type: 'view.offer',
      viewId: 'v2',
      sessionId: 's1',
      sdp: 'v=0 offer',
      ref: h.lastOf('view.start')?.id as string,
    });
    await flush();
    h.peers[1]!.frames = 5;
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.viewer.state.get().stats.framesDecoded).toBe(45);
  });

  it('on dispose stops the view, and also an offer that arrives too late', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    const ref = h.lastOf('view.start')?.id as string;
    h.viewer.dispose();
    h.deliver({ type: 'view.offer', viewId: 'late', sessionId: 's1', sdp: 'v=0 offer', ref });
    expect(h.lastOf('view.stop')).toMatchObject({ viewId: 'late' });
    expect(h.peers).toHaveLength(0);
  });

  it('waits for the socket to open before asking, instead of losing the request', () => {
    const h = harness();
    h.socket.connected = false;
    h.viewer.setPublishing(true);
    expect(h.lastOf('view.start')).toBeUndefined();
    h.open();
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(1);
  });

  it('stops a view whose offer arrives after it gave up waiting, and asks again', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    const ref = h.lastOf('view.start')?.id as string;
    vi.advanceTimersByTime(15_000);
    h.deliver({ type: 'view.offer', viewId: 'slow', sessionId: 's1', sdp: 'v=0 offer', ref });
    await flush();
    expect(h.lastOf('view.stop')).toMatchObject({ viewId: 'slow' });
    expect(h.peers).toHaveLength(0);
    vi.advanceTimersByTime(1500);
    expect(h.sent.filter((m) => m.type === 'view.start')).toHaveLength(2);
  });

  it('ignores offers for other sessions', async () => {
    const h = harness();
    h.viewer.setPublishing(true);
    h.deliver({ type: 'view.offer', viewId: 'x', sessionId: 'other', sdp: 'v=0 offer' });
    await flush();
    expect(h.peers).toHaveLength(0);
  });
});
