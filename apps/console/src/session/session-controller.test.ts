import type { EvidenceItem, ServerToConsole, SessionDetail } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { type ApiClient, ApiRequestError } from '../api/api-client.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import { event, fix, summary } from '../testing/fixtures.js';
import { SessionController } from './session-controller.js';
import { addTimelineEvent, groupEvidence, latestFix, mergeTimeline } from './session-model.js';

function fakeSocket() {
  const handlers = new Set<(m: ServerToConsole) => void>();
  const opens = new Set<(i: { reconnect: boolean }) => void>();
  const watched: string[] = [];
  const socket = {
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onOpen: (h: (i: { reconnect: boolean }) => void) => {
      opens.add(h);
      return () => opens.delete(h);
    },
    onReconnected: (h: () => void) => {
      const wrapped = (i: { reconnect: boolean }) => i.reconnect && h();
      opens.add(wrapped);
      return () => opens.delete(wrapped);
    },
    connected: true,
    watch: (id: string) => watched.push(`+${id}`),
    unwatch: (id: string) => watched.push(`-${id}`),
    send: vi.fn(() => 'id'),
  };
  return {
    socket: socket as unknown as ConsoleSocket,
    watched,
    deliver: (m: ServerToConsole) => {
      for (const h of [...handlers]) h(m);
    },
    reconnect: () => {
      for (const h of [...opens]) h({ reconnect: true });
    },
    handlerCount: () => handlers.size,
  };
}

const detail = (patch: Partial<SessionDetail> = {}): SessionDetail => ({
  session: summary('s1', 1000, { state: 'opened' }),
  timeline: [event('e1', 1000, 'invite.sent'), event('e2', 2000, 'link.opened')],
  track: [fix(51.5, -0.1, 2000)],
  ...patch,
});

async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function controller(api: Partial<ApiClient>, s = fakeSocket()) {
  const ctl = new SessionController('s1', {
    api: {
      evidence: async () => ({ items: [] as EvidenceItem[], recordings: [] }),
      messages: async () => [],
      ...api,
    } as ApiClient,
    socket: s.socket,
    iceServers: () => [],
    canViewLive: false,
    canReadEvidence: true,
  });
  return { ctl, s };
}

describe('SessionController', () => {
  it('watches the session, loads it, then applies live events, fixes and state', async () => {
    const { ctl, s } = controller({ session: async () => detail() });
    ctl.start();
    await settle();
    expect(s.watched).toEqual(['+s1']);
    expect(ctl.state.get().timeline.map((e) => e.id)).toEqual(['e1', 'e2']);

    s.deliver({ type: 'session.event', sessionId: 's1', event: event('e3', 3000, 'consent.accepted') });
    s.deliver({ type: 'session.event', sessionId: 'other', event: event('x', 3000, 'consent.accepted') });
    s.deliver({ type: 'location.fix', sessionId: 's1', fix: fix(51.6, -0.1, 3000) });
    s.deliver({ type: 'session.updated', session: summary('s1', 1000, { state: 'consented' }) });

    const st = ctl.state.get();
    expect(st.timeline.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    expect(st.announced?.id).toBe('e3');
    expect(st.track).toHaveLength(2);
    expect(st.session?.state).toBe('consented');
  });

  it('keeps the newest network location (AML) for its own session only, for the map', async () => {
    const { ctl, s } = controller({ session: vi.fn(async () => detail()) });
    ctl.start();
    await settle();
    const aml = (id: string, positionedAt: number) => ({
      id,
      lat: 51.51,
      lon: -0.12,
      radiusM: 50,
      confidence: 68,
      method: 'cell' as const,
      positionedAt,
      receivedAt: positionedAt,
      format: 'https' as const,
    });
    s.deliver({ type: 'aml.fix', sessionId: 'other', fix: aml('x', 9000), comparison: null });
    expect(ctl.state.get().network).toBeNull();
    s.deliver({ type: 'aml.fix', sessionId: 's1', fix: aml('a2', 2000), comparison: null });
    // A message positioned earlier that arrives later does not move the marker back.
    s.deliver({ type: 'aml.fix', sessionId: 's1', fix: aml('a1', 1000), comparison: null });
    expect(ctl.state.get().network?.id).toBe('a2');
  });

  it('reloads after a reconnect without duplicating what it already had', async () => {
    const session = vi.fn(async () => detail());
    const { ctl, s } = controller({ session });
    ctl.start();
    await settle();
    session.mockResolvedValueOnce(
      detail({ timeline: [...detail().timeline, event('e9', 9000, 'consent.accepted')] }),
    );
    s.reconnect();
    await settle();
    expect(ctl.state.get().timeline.map((e) => e.id)).toEqual(['e1', 'e2', 'e9']);
    expect(ctl.state.get().track).toHaveLength(1);
  });

  it('keeps a live summary that arrived while an older snapshot was loading', async () => {
    let answer: (d: SessionDetail) => void = () => {};
    const { ctl, s } = controller({ session: () => new Promise((r) => (answer = r)) });
    ctl.start();
    s.deliver({ type: 'session.updated', session: summary('s1', 1000, { state: 'live', publishing: true }) });
    answer(detail({ session: summary('s1', 1000, { state: 'consented' }) }));
    await settle();
    expect(ctl.state.get().session).toMatchObject({ state: 'live', publishing: true });
    expect(ctl.state.get().timeline).toHaveLength(2);
  });

  it('shows not-found for an unknown session', async () => {
    const { ctl } = controller({
      session: async () => {
        throw new ApiRequestError(404, 'not_found', 'Session not found.');
      },
    });
    ctl.start();
    await settle();
    expect(ctl.state.get().status).toBe('not-found');
  });

  it('ends only after confirmation, then refreshes evidence', async () => {
    const evidence = vi.fn(async () => ({ items: [] as EvidenceItem[], recordings: [] }));
    const endSession = vi.fn(async () =>
      summary('s1', 1000, { state: 'ended', endReason: 'ended_by_officer' }),
    );
    const { ctl } = controller({ session: async () => detail(), endSession, evidence });
    ctl.start();
    await settle();
    ctl.askToEnd();
    expect(ctl.state.get().end.step).toBe('confirm');
    await ctl.confirmEnd();
    await settle();
    expect(endSession).toHaveBeenCalledWith('s1', undefined);
    expect(ctl.state.get().session?.state).toBe('ended');
    expect(evidence).toHaveBeenCalledTimes(2);
    ctl.askToEnd();
    expect(ctl.state.get().end.step).toBe('idle');
  });

  it('never asks for video in a location-only session', async () => {
    const s = fakeSocket();
    const ctl = new SessionController('s1', {
      api: {
        session: async () =>
          detail({ session: summary('s1', 1000, { state: 'live', mode: 'location', publishing: true }) }),
        evidence: async () => ({ items: [] as EvidenceItem[], recordings: [] }),
        messages: async () => [],
      } as unknown as ApiClient,
      socket: s.socket,
      iceServers: () => [],
      canViewLive: true,
      canReadEvidence: false,
    });
    ctl.start();
    await settle();
    expect(ctl.state.get().session?.mode).toBe('location');
    const types = (s.socket.send as unknown as { mock: { calls: Array<[{ type: string }]> } }).mock.calls.map(
      (c) => c[0].type,
    );
    expect(types).not.toContain('view.start');
    ctl.dispose();
  });

  it('stops listening and unwatches on dispose', async () => {
    const { ctl, s } = controller({ session: async () => detail() });
    ctl.start();
    ctl.dispose();
    expect(s.watched).toEqual(['+s1', '-s1']);
    expect(s.handlerCount()).toBe(0);
  });
});

describe('timeline and fixes', () => {
  it('adds an event once and in time order', () => {
    const t = addTimelineEvent([event('a', 1, 'x'), event('c', 3, 'x')], event('b', 2, 'x'));
    expect(t.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(addTimelineEvent(t, event('b', 2, 'x'))).toBe(t);
    expect(mergeTimeline(t, [event('d', 0, 'x')])[0]?.id).toBe('d');
  });

  it('takes the newest fix from the track or the summary', () => {
    const s = summary('s', 0, { lastFix: fix(1, 1, 5000) });
    expect(latestFix([fix(2, 2, 4000)], s)?.lat).toBe(1);
    expect(latestFix([fix(2, 2, 6000)], s)?.lat).toBe(2);
    expect(latestFix([], null)).toBeNull();
  });
});

describe('groupEvidence', () => {
  const item = (
    id: string,
    kind: EvidenceItem['kind'],
    recordingId: string | null,
    createdAt: number,
  ): EvidenceItem => ({
    id,
    sessionId: 's1',
    kind,
    recordingId,
    fileName: `${id}.bin`,
    mediaType: 'application/octet-stream',
    sha256: '0'.repeat(64),
    size: 1,
    createdAt,
    derivedFrom: [],
    durationMs: null,
    disposedAt: null,
  });

  it('groups by recording in start order, working copy first, session-wide items last', () => {
    const groups = groupEvidence([
      item('track', 'location-track', null, 50),
      item('r2-master', 'master', 'r2', 40),
      item('r1-video', 'master', 'r1', 10),
      item('r1-copy', 'working-copy', 'r1', 20),
    ]);
    expect(groups.map((g) => `${g.label}: ${g.items.map((i) => i.id).join(',')}`)).toEqual([
      'Recording 1: r1-copy,r1-video',
      'Recording 2: r2-master',
      'Whole session: track',
    ]);
  });

  it("keeps what the caller sent apart, in the order it came, and the phone's copy with its recording", () => {
    const groups = groupEvidence([
      item('photo-2', 'caller-upload', null, 30),
      item('photo-1', 'caller-upload', null, 20),
      item('r1-phone', 'device-copy', 'r1', 15),
      item('r1-video', 'master', 'r1', 10),
      item('track', 'location-track', null, 50),
    ]);
    expect(groups.map((g) => `${g.label}: ${g.items.map((i) => i.id).join(',')}`)).toEqual([
      'Recording 1: r1-phone,r1-video',
      'Sent by the caller: photo-1,photo-2',
      'Whole session: track',
    ]);
  });
});
