import type { Watcher } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.js';
import { MemoryHub } from '../events/memory-hub.js';
import { silentLogger } from '../lib/logger.js';
import { merge, PresenceRegistry } from './presence-registry.js';
import { MemoryPresenceStore } from './presence-store.js';

const alice = { id: 'o-alice', name: 'Alice Brown' };
const bob = { id: 'o-bob', name: 'Bob Singh' };

/** Two instances joined as Redis joins them, sharing one presence store. */
async function cluster() {
  const hub = new MemoryHub();
  const store = new MemoryPresenceStore();
  const clock = { t: 1_000, now: () => clock.t };
  const make = async (id: string) => {
    const events = new EventBus(id, silentLogger, hub.transport());
    await events.start();
    const registry = new PresenceRegistry(store, events, clock, silentLogger);
    const heard: Array<[string, string[]]> = [];
    registry.onChange((sessionId, ws) => heard.push([sessionId, ws.map((w) => w.name)]));
    return { registry, heard };
  };
  return { store, clock, a: await make('a'), b: await make('b') };
}

/** Lets the other instance's event arrive and its read finish. */
const settle = async (r: PresenceRegistry) => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await r.refresh();
};

const names = (ws: readonly Watcher[]) => ws.map((w) => w.name);

describe('PresenceRegistry', () => {
  it('shows a watcher on one instance to the other, and removes them when they stop', async () => {
    const { a, b, clock } = await cluster();
    await a.registry.join('c1', 's1', alice);
    clock.t = 2_000;
    await b.registry.join('c9', 's1', bob);
    await settle(a.registry);

    expect(names(a.registry.watchers('s1'))).toEqual(['Alice Brown', 'Bob Singh']);
    expect(names(b.registry.watchers('s1'))).toEqual(['Alice Brown', 'Bob Singh']);
    expect(a.heard.at(-1)).toEqual(['s1', ['Alice Brown', 'Bob Singh']]);

    await a.registry.leave('c1', 's1');
    await settle(b.registry);
    expect(names(b.registry.watchers('s1'))).toEqual(['Bob Singh']);
    expect(b.heard.at(-1)).toEqual(['s1', ['Bob Singh']]);
  });

  it("a closed console's watches all end at once", async () => {
    const { a } = await cluster();
    await a.registry.join('c1', 's1', alice);
    await a.registry.join('c1', 's2', alice);
    await a.registry.drop('c1');
    expect(a.registry.watchers('s1')).toEqual([]);
    expect(a.registry.snapshot().size).toBe(0);
    expect(a.heard.slice(-2).map(([id, ws]) => [id, ws.length])).toEqual([
      ['s1', 0],
      ['s2', 0],
    ]);
  });

  it('counts an officer with the session on two consoles once, from their first watch', async () => {
    const { a, b, clock } = await cluster();
    await a.registry.join('c1', 's1', alice);
    clock.t = 5_000;
    await b.registry.join('c2', 's1', alice);
    await settle(a.registry);
    expect(a.registry.watchers('s1')).toEqual([{ officerId: 'o-alice', name: 'Alice Brown', since: 1_000 }]);

    // Closing one of the two leaves her watching on the other.
    await a.registry.drop('c1');
    await settle(b.registry);
    expect(b.registry.watchers('s1')).toEqual([{ officerId: 'o-alice', name: 'Alice Brown', since: 5_000 }]);
  });

  it('forgets the watchers of an instance whose list expired (it died) on the next read', async () => {
    const { a, b, store } = await cluster();
    await a.registry.join('c1', 's1', alice);
    await settle(b.registry);
    expect(names(b.registry.watchers('s1'))).toEqual(['Alice Brown']);

    // Instance a dies without a word: its list lapses in the store, and b's heartbeat reads again.
    await store.remove('a');
    await b.registry.refresh();
    expect(b.registry.watchers('s1')).toEqual([]);
    expect(b.heard.at(-1)).toEqual(['s1', []]);
  });

  it('withdraws its watchers when it stops, and the other instance hears', async () => {
    const { a, b } = await cluster();
    await a.registry.join('c1', 's1', alice);
    await settle(b.registry);
    await a.registry.stop();
    await settle(b.registry);
    expect(b.registry.watchers('s1')).toEqual([]);
  });

  it('says nothing when a read finds no change', async () => {
    const { a } = await cluster();
    await a.registry.join('c1', 's1', alice);
    const before = a.heard.length;
    await a.registry.join('c1', 's1', alice);
    await a.registry.refresh();
    expect(a.heard.length).toBe(before);
  });
});

describe('merge', () => {
  it('orders watchers by when they started, one per officer', () => {
    const m = merge([
      { sessionId: 's1', officerId: 'b', name: 'B', since: 30 },
      { sessionId: 's1', officerId: 'a', name: 'A', since: 20 },
      { sessionId: 's1', officerId: 'b', name: 'B', since: 10 },
      { sessionId: 's2', officerId: 'a', name: 'A', since: 5 },
    ]);
    expect(m.get('s1')).toEqual([
      { officerId: 'b', name: 'B', since: 10 },
      { officerId: 'a', name: 'A', since: 20 },
    ]);
    expect(m.get('s2')?.length).toBe(1);
  });
});
