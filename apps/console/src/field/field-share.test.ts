import type { FieldShare, ServerToConsole } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import type { LiveViewer } from '../live-video/live-viewer.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import { fix } from '../testing/fixtures.js';
import { FieldShareStore, SEND_EVERY_MS } from './field-share-store.js';
import { formatDistance, formatRemaining, relative } from './relative.js';

function fakeSocket() {
  const handlers = new Set<(m: ServerToConsole) => void>();
  const opens = new Set<(i: { reconnect: boolean }) => void>();
  const log: string[] = [];
  const sent: unknown[] = [];
  const socket = {
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onOpen: (h: (i: { reconnect: boolean }) => void) => {
      opens.add(h);
      return () => opens.delete(h);
    },
    watch: (id: string) => log.push(`+${id}`),
    unwatch: (id: string) => log.push(`-${id}`),
    send: (m: unknown) => {
      sent.push(m);
      return 'id';
    },
  };
  return {
    socket: socket as unknown as ConsoleSocket,
    log,
    sent,
    deliver: (m: ServerToConsole) => {
      for (const h of [...handlers]) h(m);
    },
    reconnect: () => {
      for (const h of [...opens]) h({ reconnect: true });
    },
  };
}

const share = (publishing = true): FieldShare => ({
  id: 'sh1',
  sharedBy: { id: 'o1', name: 'PC Handler' },
  createdAt: 1_000,
  expiresAt: 3_601_000,
  session: {
    id: 's1',
    reference: 'CAD 1',
    state: 'live',
    mode: 'video',
    publishing,
    videoStoppedAt: null,
    videoStopReason: null,
    lastFix: fix(51.5, -0.12, 900),
  },
  incident: null,
});

/** An incident share: no session of its own, the incident's callers now. */
const incidentShare = (callers: string[]): FieldShare => ({
  ...share(),
  id: 'ish',
  session: null,
  incident: {
    id: 'i1',
    title: 'Fight on High St',
    cadReference: 'CAD 7',
    callers: callers.map((id, i) => ({ label: `Caller ${i + 1}`, session: { ...share().session!, id } })),
  },
});

function fakeViewer() {
  return { setPublishing: vi.fn(), dispose: vi.fn() };
}

async function opened(
  api: { openShare: () => Promise<FieldShare> } = { openShare: async () => share() },
  now = () => 10_000,
  target: { shareId: string; sessionId: string | null } = { shareId: 'sh1', sessionId: null },
) {
  const s = fakeSocket();
  const viewer = fakeViewer();
  const store = new FieldShareStore(
    target.shareId,
    { api, socket: s.socket, createViewer: () => viewer as unknown as LiveViewer, now },
    target.sessionId,
  );
  await store.start();
  return { store, s, viewer };
}

describe('a shared incident on a field officer’s phone', () => {
  it('lists the callers without watching any, and reloads when a caller joins', async () => {
    let callers = ['s1', 's2'];
    const { store, s } = await opened({ openShare: async () => incidentShare(callers) }, undefined, {
      shareId: 'ish',
      sessionId: null,
    });
    expect(store.state.get()).toMatchObject({ status: 'open', session: null });
    expect(store.state.get().share?.incident?.callers.map((c) => c.label)).toEqual(['Caller 1', 'Caller 2']);
    expect(s.log).toEqual([]);
    callers = ['s1', 's2', 's3'];
    s.deliver({ type: 'share.changed', shareId: 'ish', sessionId: null, incidentId: 'i1', endReason: null });
    await vi.waitFor(() => expect(store.state.get().share?.incident?.callers).toHaveLength(3));
  });

  it('watches the chosen caller, and ends only when that caller leaves the incident', async () => {
    const { store, s, viewer } = await opened(
      { openShare: async () => incidentShare(['s1', 's2']) },
      undefined,
      {
        shareId: 'ish',
        sessionId: 's2',
      },
    );
    expect(store.state.get()).toMatchObject({ status: 'open', session: { id: 's2' } });
    expect(s.log).toEqual(['+s2']);
    s.deliver({ type: 'share.changed', shareId: 'ish', sessionId: 's1', endReason: 'left-incident' });
    expect(store.state.get().status).toBe('open');
    s.deliver({ type: 'share.changed', shareId: 'ish', sessionId: 's2', endReason: 'left-incident' });
    expect(store.state.get()).toMatchObject({ status: 'ended', endReason: 'left-incident' });
    expect(store.state.get().message).toMatch(/taken this caller out of the incident/);
    expect(viewer.dispose).toHaveBeenCalled();
    expect(s.log).toEqual(['+s2', '-s2']);
  });

  it('says so when the chosen caller is no longer in the incident on opening', async () => {
    const { store, s } = await opened({ openShare: async () => incidentShare(['s1']) }, undefined, {
      shareId: 'ish',
      sessionId: 's9',
    });
    expect(store.state.get()).toMatchObject({ status: 'ended', endReason: 'left-incident' });
    expect(s.log).toEqual([]);
  });
});

describe('a shared session on a field officer’s phone', () => {
  it('opens the share, watches its session and starts the video while the caller publishes', async () => {
    const { store, s, viewer } = await opened();
    expect(store.state.get()).toMatchObject({ status: 'open', callerFix: { lat: 51.5 } });
    expect(s.log).toEqual(['+s1']);
    expect(viewer.setPublishing).toHaveBeenCalledWith(true);
  });

  it('follows the caller’s newer fixes and ignores other sessions’', async () => {
    const { store, s } = await opened();
    s.deliver({ type: 'location.fix', sessionId: 'other', fix: fix(10, 10, 5_000) });
    s.deliver({ type: 'location.fix', sessionId: 's1', fix: fix(51.6, -0.1, 5_000) });
    s.deliver({ type: 'location.fix', sessionId: 's1', fix: fix(0, 0, 4_000) });
    expect(store.state.get().callerFix).toMatchObject({ lat: 51.6, lon: -0.1 });
  });

  it('stops the video and the watch when the share is revoked, and says why', async () => {
    const { store, s, viewer } = await opened();
    s.deliver({ type: 'share.changed', shareId: 'sh1', sessionId: 's1', endReason: 'revoked' });
    expect(viewer.dispose).toHaveBeenCalled();
    expect(s.log).toEqual(['+s1', '-s1']);
    expect(store.state.get()).toMatchObject({ status: 'ended', endReason: 'revoked', callerFix: null });
    expect(store.state.get().message).toMatch(/stopped sharing/);
    // A late fix after the end shows nothing.
    s.deliver({ type: 'location.fix', sessionId: 's1', fix: fix(51.7, -0.1, 9_000) });
    expect(store.state.get().callerFix).toBeNull();
  });

  it('stops the GPS and the compass when the share is revoked, and when the page goes', async () => {
    const s = fakeSocket();
    const running = new Set<string>();
    let heading: (deg: number | null) => void = () => {};
    const sensors = {
      watchPosition: () => {
        running.add('gps');
        return () => running.delete('gps');
      },
      watchCompass: (on: (deg: number | null) => void) => {
        heading = on;
        running.add('compass');
        return () => running.delete('compass');
      },
    };
    const deps = {
      api: { openShare: async () => share() },
      socket: s.socket,
      createViewer: () => fakeViewer() as unknown as LiveViewer,
      ...sensors,
    };
    const store = new FieldShareStore('sh1', deps);
    await store.start();
    expect([...running].sort()).toEqual(['compass', 'gps']);
    heading(42);
    expect(store.state.get().compass).toBe(42);
    s.deliver({ type: 'share.changed', shareId: 'sh1', sessionId: 's1', endReason: 'revoked' });
    expect(running.size).toBe(0);

    const other = new FieldShareStore('sh1', { ...deps, socket: fakeSocket().socket });
    await other.start();
    expect(running.size).toBe(2);
    other.dispose();
    expect(running.size).toBe(0);
  });

  it('shows an expired share as expired when it is opened after its time', async () => {
    const { store, s } = await opened({
      openShare: async () => {
        throw new ApiRequestError(410, 'share_ended', 'This share has expired.');
      },
    });
    expect(store.state.get()).toMatchObject({ status: 'ended', message: 'This share has expired.' });
    expect(s.log).toEqual([]);
  });

  it('sends the officer’s own position at most once every few seconds, and only while open', async () => {
    let t = 10_000;
    const { store, s } = await opened(undefined, () => t);
    const own = { ...fix(51.49, -0.13, 0), fixTime: 1 };
    store.ownPosition(own);
    t += SEND_EVERY_MS - 1;
    store.ownPosition(own);
    t += 1;
    store.ownPosition(own);
    expect(s.sent).toHaveLength(2);
    expect(s.sent[0]).toMatchObject({ type: 'field.position', shareId: 'sh1', fix: { lat: 51.49 } });
    s.deliver({ type: 'share.changed', shareId: 'sh1', sessionId: 's1', endReason: 'expired' });
    t += SEND_EVERY_MS;
    store.ownPosition(own);
    expect(s.sent).toHaveLength(2);
    expect(store.state.get().ownFix).toMatchObject({ lat: 51.49 });
  });

  it('sends a position that came before the share opened as soon as it opens', async () => {
    const s = fakeSocket();
    let release: (v: FieldShare) => void = () => {};
    const store = new FieldShareStore('sh1', {
      api: { openShare: () => new Promise<FieldShare>((r) => (release = r)) },
      socket: s.socket,
      createViewer: () => fakeViewer() as unknown as LiveViewer,
      now: () => 10_000,
    });
    const started = store.start();
    store.ownPosition({ ...fix(51.49, -0.13, 0), fixTime: 1 });
    expect(s.sent).toEqual([]);
    release(share());
    await started;
    expect(s.sent).toEqual([
      expect.objectContaining({ type: 'field.position', fix: expect.objectContaining({ lat: 51.49 }) }),
    ]);
  });

  it('asks again after a reconnect, and ends if the share ended meanwhile', async () => {
    let calls = 0;
    const { store, s } = await opened({
      openShare: async () => {
        if (++calls === 1) return share();
        throw new ApiRequestError(410, 'share_ended', 'This share was revoked by the control room.');
      },
    });
    s.reconnect();
    await vi.waitFor(() => expect(store.state.get().status).toBe('ended'));
    expect(s.log).toEqual(['+s1', '-s1']);
  });

  it('keeps a working view when the reopen after a reconnect fails for a passing reason', async () => {
    let calls = 0;
    const { store, s, viewer } = await opened({
      openShare: async () => {
        if (++calls === 1) return share();
        throw new ApiRequestError(503, 'media_unavailable', 'Try again in a moment.');
      },
    });
    s.reconnect();
    await vi.waitFor(() => expect(calls).toBe(2));
    await Promise.resolve();
    expect(store.state.get().status).toBe('open');
    expect(viewer.dispose).not.toHaveBeenCalled();
    expect(s.log).toEqual(['+s1']);
  });
});

describe('distance and bearing on the field page', () => {
  it('is unknown until both positions are known', () => {
    expect(relative(null, { lat: 51.5, lon: 0 })).toBeNull();
  });

  it('gives the distance and compass point from the officer to the caller', () => {
    const r = relative({ lat: 51.5, lon: -0.1 }, { lat: 51.509, lon: -0.1 });
    expect(r?.point).toBe('N');
    expect(r?.words).toBe('north');
    expect(formatDistance(r!.metres)).toBe('1.0 km');
  });

  it('formats distances and time left for a glance', () => {
    expect(formatDistance(42.4)).toBe('42 m');
    expect(formatDistance(847)).toBe('850 m');
    expect(formatDistance(12_345)).toBe('12 km');
    expect(formatRemaining(14 * 60_000 - 5)).toBe('14 min');
    expect(formatRemaining(65 * 60_000)).toBe('1 h 05 min');
    expect(formatRemaining(0)).toBe('expired');
  });
});

describe('a field officer’s list of shares', () => {
  it('loads the live shares and reloads when one of them changes', async () => {
    const { FieldListStore } = await import('./field-list-store.js');
    let shares = [share()];
    const st = new FieldListStore({ myShares: async () => shares });
    const s = fakeSocket();
    st.connect(s.socket);
    await st.load();
    expect(st.state.get().shares.map((x) => x.id)).toEqual(['sh1']);
    shares = [];
    s.deliver({ type: 'share.changed', shareId: 'sh1', sessionId: 's1', endReason: 'revoked' });
    await vi.waitFor(() => expect(st.state.get().shares).toEqual([]));
  });
});
