import type { ServerToConsole } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { SessionListStore } from '../sessions/session-list.js';
import { fix, summary } from '../testing/fixtures.js';
import { countText, wallColumns, wallSessions, wantsVideo } from './wall-model.js';
import { WallStore } from './wall-store.js';

function harness() {
  const handlers = new Set<(m: ServerToConsole) => void>();
  const watching = new Set<string>();
  const socket = {
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    watch: (id: string) => void watching.add(id),
    unwatch: (id: string) => void watching.delete(id),
  };
  const sessions = new SessionListStore({ sessions: async () => [] } as never);
  const wall = new WallStore(sessions, socket);
  wall.start();
  return {
    wall,
    sessions,
    watching,
    deliver: (m: ServerToConsole) => {
      for (const h of [...handlers]) h(m);
    },
    ids: () => wall.get().tiles.map((t) => t.session.id),
  };
}

describe('WallStore', () => {
  it('adds a tile for each session with a caller on it, oldest first, and watches it', () => {
    const { sessions, watching, ids } = harness();
    sessions.upsert(summary('b', 200, { state: 'live' }));
    sessions.upsert(summary('a', 100, { state: 'consented' }));
    sessions.upsert(summary('waiting', 300, { state: 'sent' }));
    expect(ids()).toEqual(['a', 'b']);
    expect([...watching].sort()).toEqual(['a', 'b']);
  });

  it('drops a tile, and stops watching it, as soon as its session ends', () => {
    const { sessions, watching, ids } = harness();
    sessions.upsert(summary('a', 100, { state: 'live' }));
    sessions.upsert(summary('b', 200, { state: 'live' }));
    sessions.upsert(summary('a', 100, { state: 'ended' }));
    expect(ids()).toEqual(['b']);
    expect([...watching]).toEqual(['b']);
  });

  it('shows the phone’s quality report and the newest fix, from the summary or the socket', () => {
    const { sessions, deliver, wall } = harness();
    sessions.upsert(summary('a', 100, { state: 'live', lastFix: fix(51.5, -0.1, 1_000) }));
    deliver({ type: 'caller.quality', sessionId: 'a', level: 'fair', kbps: 420 });
    deliver({ type: 'location.fix', sessionId: 'a', fix: fix(51.6, -0.1, 2_000) });
    // A late, older fix does not move the tile back.
    deliver({ type: 'location.fix', sessionId: 'a', fix: fix(51.4, -0.1, 1_500) });
    // Another session's news is not this tile's.
    deliver({ type: 'caller.quality', sessionId: 'zzz', level: 'poor', kbps: 10 });
    const [tile] = wall.get().tiles;
    expect(tile?.quality).toEqual({ level: 'fair', kbps: 420 });
    expect(tile?.fix?.lat).toBe(51.6);
    expect(wall.get().tiles).toHaveLength(1);
  });

  it('keeps an unchanged tile the same object, so only the changed tile redraws', () => {
    const { sessions, deliver, wall } = harness();
    sessions.upsert(summary('a', 100, { state: 'live' }));
    sessions.upsert(summary('b', 200, { state: 'live' }));
    const [a0, b0] = wall.get().tiles;
    deliver({ type: 'caller.quality', sessionId: 'b', level: 'good', kbps: 900 });
    const [a1, b1] = wall.get().tiles;
    expect(a1).toBe(a0);
    expect(b1).not.toBe(b0);
  });

  it('unwatches everything when the wall closes', () => {
    const { sessions, watching, wall } = harness();
    sessions.upsert(summary('a', 100, { state: 'live' }));
    wall.dispose();
    expect(watching.size).toBe(0);
  });
});

describe('wall layout and video', () => {
  it('uses a 2×2 grid up to four tiles, 3×3 up to nine, then 4×4', () => {
    expect([1, 4, 5, 9, 10, 16, 20].map(wallColumns)).toEqual([2, 2, 3, 3, 4, 4, 4]);
  });

  it('plays a tile’s video only while the caller publishes and the tile is on screen', () => {
    const live = summary('a', 1, { state: 'live', publishing: true });
    expect(wantsVideo(live, true)).toBe(true);
    expect(wantsVideo(live, false)).toBe(false);
    expect(wantsVideo({ ...live, mode: 'location' }, true)).toBe(false);
    expect(wantsVideo({ ...live, publishing: false }, true)).toBe(false);
  });

  it('orders and counts', () => {
    expect(wallSessions([summary('x', 5, { state: 'expired' })])).toEqual([]);
    expect(countText(0)).toBe('No live sessions');
    expect(countText(1)).toBe('1 live session');
    expect(countText(16)).toBe('16 live sessions');
  });
});
