import { describe, expect, it } from 'vitest';
import type { JanusConnection } from '../../adapters/janus/janus-connection.js';
import type { ConnectionEvents } from '../../adapters/janus/janus-types.js';
import type { VideoRoomApi } from '../../adapters/janus/videoroom.js';
import { TypedEmitter } from '../../lib/typed-emitter.js';
import { MediaNode } from './media-node.js';
import { leastLoaded, MediaNodes, type PlacementStore } from './media-nodes.js';

class FakeConnection extends TypedEmitter<ConnectionEvents> {
  ready = false;
  up(): void {
    this.ready = true;
    this.safeEmit('connected');
  }
  drop(): void {
    this.ready = false;
    this.safeEmit('disconnected', 'connection to Janus lost');
  }
  start = () => Promise.resolve();
  close = () => {};
}

function node(id: string, cpu = 0) {
  const connection = new FakeConnection();
  const n = new MediaNode({
    id,
    connection: connection as unknown as JanusConnection,
    api: {} as VideoRoomApi,
    spoolDir: `/spool/${id}`,
    local: false,
  });
  n.report(true, { rooms: 0, publishers: 0, cpu });
  connection.up();
  return { n, connection };
}

/** The shared sessions table, as far as placement sees it. */
class MemoryPlacement implements PlacementStore {
  readonly sessions = new Map<string, string | null>();
  /** Rooms of other sessions per node (sessions placed by other instances). */
  readonly others = new Map<string, number>();
  async sessionNode(id: string) {
    return this.sessions.get(id) ?? null;
  }
  async claimSessionNode(id: string, from: string | null, to: string) {
    if ((this.sessions.get(id) ?? null) !== from) return false;
    this.sessions.set(id, to);
    return true;
  }
  async activeRooms() {
    const counts = new Map(this.others);
    for (const n of this.sessions.values()) if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
    return counts;
  }
}

describe('media node placement', () => {
  it('spreads new sessions over the nodes, least-loaded first', async () => {
    const store = new MemoryPlacement();
    const nodes = new MediaNodes(store);
    nodes.add(node('a').n);
    nodes.add(node('b').n);
    store.others.set('a', 1); // another instance already has a room on a
    const placed = [];
    for (const id of ['s1', 's2', 's3', 's4']) placed.push((await nodes.place(id)).id);
    expect(placed).toEqual(['b', 'a', 'b', 'a']);
  });

  it('keeps a session on its node while that node is healthy, so every instance relays to the same room', async () => {
    const store = new MemoryPlacement();
    const nodes = new MediaNodes(store);
    nodes.add(node('a').n);
    nodes.add(node('b').n);
    store.sessions.set('s1', 'b');
    store.others.set('b', 5);
    expect((await nodes.place('s1')).id).toBe('b');
  });

  it('moves a session off a node whose connection dropped, and records the move for every instance', async () => {
    const store = new MemoryPlacement();
    const nodes = new MediaNodes(store);
    const a = node('a');
    nodes.add(a.n);
    nodes.add(node('b').n);
    store.sessions.set('s1', 'a');
    const down: string[] = [];
    nodes.on('nodeDown', (n) => down.push(n.id));
    a.connection.drop();
    expect(down).toEqual(['a']);
    expect((await nodes.place('s1')).id).toBe('b');
    expect(store.sessions.get('s1')).toBe('b');
  });

  it('places no new rooms on a node whose heartbeat is stale, though its connection is up', async () => {
    const store = new MemoryPlacement();
    const nodes = new MediaNodes(store);
    const a = node('a');
    nodes.add(a.n);
    nodes.add(node('b').n);
    store.others.set('b', 3);
    a.n.report(false, a.n.load);
    expect((await nodes.place('s1')).id).toBe('b');
  });

  it('follows the node another instance chose when both placed the session at the same moment', async () => {
    const store = new MemoryPlacement();
    const nodes = new MediaNodes(store);
    nodes.add(node('a').n);
    nodes.add(node('b').n);
    store.others.set('b', 1); // so this instance would choose a
    store.claimSessionNode = async (id) => {
      store.sessions.set(id, 'b'); // the other instance's update lands first
      return false;
    };
    expect((await nodes.place('s1')).id).toBe('b');
  });

  it('refuses with media_unavailable when no node is healthy', async () => {
    const nodes = new MediaNodes(new MemoryPlacement());
    const a = node('a');
    nodes.add(a.n);
    a.connection.drop();
    await expect(nodes.place('s1')).rejects.toMatchObject({ code: 'media_unavailable' });
  });

  it('breaks a tie in rooms by the CPU the nodes reported', () => {
    const rooms = new Map([
      ['a', 2],
      ['b', 2],
    ]);
    expect(leastLoaded([node('a', 0.6).n, node('b', 0.2).n], rooms).id).toBe('b');
  });
});
