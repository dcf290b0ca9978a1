import type { IceCandidate, ServedLayer } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../adapters/random.js';
import { BusRpc } from '../events/bus-rpc.js';
import { EventBus } from '../events/event-bus.js';
import { MemoryHub } from '../events/memory-hub.js';
import { DomainError } from '../lib/errors.js';
import { silentLogger } from '../lib/logger.js';
import type { MediaGateway, Officer } from './media-gateway.js';
import { MediaRpcMethods } from './media-rpc.js';
import { RoutedMediaGateway } from './routed-media-gateway.js';
import type { SessionOwners } from './session-owners.js';

const officer: Officer = { type: 'officer', id: 'o1', name: 'PC One' };

/** A stand-in for one instance's MediaService: records what it was asked and holds views it started. */
class FakeMedia implements MediaGateway {
  readonly calls: string[] = [];
  readonly views = new Set<string>();
  live = new Set<string>();

  constructor(readonly name: string) {}

  async startView(sessionId: string, o: Officer, layer?: ServedLayer) {
    this.calls.push(`startView ${sessionId} ${o.id}${layer ? ` ${layer}` : ''}`);
    if (!this.live.has(sessionId))
      throw new DomainError('session_not_live', 'the caller is not sending video right now');
    const viewId = `${this.name}-view-${this.views.size + 1}`;
    this.views.add(viewId);
    return { viewId, sdp: `offer from ${this.name}` };
  }
  async answerView(viewId: string, _ownerId: string, sdp: string) {
    this.calls.push(`answerView ${viewId} ${sdp}`);
    if (!this.views.has(viewId)) throw new DomainError('unknown_view', 'no such view (it may have ended)');
  }
  async setViewLayer(viewId: string, _ownerId: string, layer: ServedLayer) {
    this.calls.push(`setViewLayer ${viewId} ${layer}`);
    if (!this.views.has(viewId)) throw new DomainError('unknown_view', 'no such view (it may have ended)');
  }
  async addViewerCandidate(viewId: string) {
    this.calls.push(`addViewerCandidate ${viewId}`);
  }
  async stopView(viewId: string) {
    this.calls.push(`stopView ${viewId}`);
    this.views.delete(viewId);
  }
  async stopViewsOf(_ownerId: string, viewIds: Iterable<string>) {
    this.calls.push(`stopViewsOf ${[...viewIds].join(',')}`);
  }
  async publish(sessionId: string) {
    this.calls.push(`publish ${sessionId}`);
    this.live.add(sessionId);
    return `answer from ${this.name}`;
  }
  async restartPublisherIce(sessionId: string) {
    this.calls.push(`restartPublisherIce ${sessionId}`);
    if (!this.live.has(sessionId)) throw new DomainError('not_publishing', 'no publisher to restart');
    return `restart answer from ${this.name}`;
  }
  async prepare() {}
  callerLink() {}
  async addPublisherCandidate(sessionId: string, _c: IceCandidate) {
    this.calls.push(`addPublisherCandidate ${sessionId}`);
  }
  async callerViewOffer() {
    return 'v=0 officer video';
  }
  async callerViewAnswer() {}
  async callerViewCandidate() {}
  async officerPublish(sessionId: string) {
    this.calls.push(`officerPublish ${sessionId}`);
    return `officer answer from ${this.name}`;
  }
  async officerCandidate() {}
  async officerStop() {}
  async interpreterMedia(sessionId: string, op: { op: string }) {
    this.calls.push(`interpreterMedia ${sessionId} ${op.op}`);
    return op.op === 'view.offer' ? `offer from ${this.name}` : null;
  }
}

/** Owners in one shared map, as Redis keys would be; `broken` stands for Redis being unreachable. */
function ownersTable() {
  const table = new Map<string, string>();
  let broken = false;
  return {
    table,
    breakIt() {
      broken = true;
    },
    forInstance(id: string): SessionOwners {
      return {
        async claim(sessionId) {
          table.set(sessionId, id);
        },
        async ownerOf(sessionId) {
          if (broken)
            throw new DomainError('media_unavailable', 'the servers cannot reach each other right now');
          return table.get(sessionId) ?? null;
        },
        start() {},
        async stop() {},
      };
    },
  };
}

async function twoInstances(timeoutMs = 2_000) {
  const hub = new MemoryHub();
  const owners = ownersTable();
  const make = async (id: string) => {
    const events = new EventBus(id, silentLogger, hub.transport());
    await events.start();
    const local = new FakeMedia(id);
    const rpc = new BusRpc(events, MediaRpcMethods, cryptoRandom, silentLogger, timeoutMs);
    const gateway = new RoutedMediaGateway(local, owners.forInstance(id), rpc, events);
    return { events, local, gateway };
  };
  return { hub, owners, a: await make('a'), b: await make('b') };
}

describe('RoutedMediaGateway', () => {
  it('makes the instance a caller publishes through the owner, and relays a view from another instance to it', async () => {
    const { owners, a, b } = await twoInstances();
    expect(await a.gateway.publish('s1', 'v=0 caller offer')).toBe('answer from a');
    expect(owners.table.get('s1')).toBe('a');

    const view = await b.gateway.startView('s1', officer);
    expect(view).toEqual({ viewId: 'a-view-1', sdp: 'offer from a' });
    await b.gateway.answerView(view.viewId, officer.id, 'v=0 console answer');
    await b.gateway.addViewerCandidate(view.viewId, officer.id, null);
    await b.gateway.stopView(view.viewId, officer.id, 'stopped by officer');
    expect(a.local.calls).toEqual([
      'publish s1',
      'startView s1 o1',
      'answerView a-view-1 v=0 console answer',
      'addViewerCandidate a-view-1',
      'stopView a-view-1',
    ]);
    expect(b.local.calls).toEqual([]);
  });

  it('relays a view asked on the light layer, and a change of layer, to the instance holding the room', async () => {
    const { a, b } = await twoInstances();
    await a.gateway.publish('s1', 'v=0 caller offer');
    const view = await b.gateway.startView('s1', officer, 'low');
    await b.gateway.setViewLayer(view.viewId, officer.id, 'high');
    expect(a.local.calls).toEqual(['publish s1', 'startView s1 o1 low', `setViewLayer ${view.viewId} high`]);
    expect(b.local.calls).toEqual([]);
  });

  it("relays the officer's camera (two-way) and a caller's late ICE candidate to the owner", async () => {
    const { a, b } = await twoInstances();
    await a.gateway.publish('s1', 'v=0 caller offer');
    expect(await b.gateway.officerPublish('s1', officer, 'v=0 officer offer')).toBe('officer answer from a');
    await b.gateway.addPublisherCandidate('s1', { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host' });
    expect(a.local.calls).toEqual(['publish s1', 'officerPublish s1', 'addPublisherCandidate s1']);
    expect(b.local.calls).toEqual([]);
  });

  it("relays an interpreter's camera and views (one message, checked on arrival) to the owner", async () => {
    const { a, b } = await twoInstances();
    await a.gateway.publish('s1', 'v=0 caller offer');
    const interpreter = { type: 'interpreter' as const, id: 'i1', name: 'Sam' };
    expect(
      await b.gateway.interpreterMedia('s1', { op: 'publish', interpreter, sdp: 'v=0 interpreter offer' }),
    ).toBeNull();
    expect(
      await b.gateway.interpreterMedia('s1', { op: 'view.offer', key: 'caller', feed: 'interpreter' }),
    ).toBe('offer from a');
    await b.gateway.interpreterMedia('s1', { op: 'stop', reason: 'removed' });
    expect(a.local.calls).toEqual([
      'publish s1',
      'interpreterMedia s1 publish',
      'interpreterMedia s1 view.offer',
      'interpreterMedia s1 stop',
    ]);
    expect(b.local.calls).toEqual([]);
  });

  it("restarts the caller's ICE where the room is, also when the phone's socket came back through another instance", async () => {
    const { a, b } = await twoInstances();
    await a.gateway.publish('s1', 'v=0 caller offer');
    expect(await a.gateway.restartPublisherIce('s1', 'v=0 restart')).toBe('restart answer from a');
    // After a network change the phone's socket reached b: the restart still goes to a's
    // publisher, so the recording and the officers' views carry on (a publish on b would split it).
    expect(await b.gateway.restartPublisherIce('s1', 'v=0 restart 2')).toBe('restart answer from a');
    expect(b.local.calls).toEqual([]);
    expect(a.local.calls).toEqual(['publish s1', 'restartPublisherIce s1', 'restartPublisherIce s1']);
  });

  it("brings the owner's not_publishing back through the relay, so the page publishes afresh", async () => {
    const { a, b } = await twoInstances();
    await a.gateway.publish('s1', 'v=0 caller offer');
    a.local.live.delete('s1'); // the publisher went (the stall grace ran out)
    await expect(b.gateway.restartPublisherIce('s1', 'v=0 restart')).rejects.toMatchObject({
      code: 'not_publishing',
    });
    expect(b.local.calls).toEqual([]);
  });

  it("brings the owner's refusal back with its code (a view that has ended)", async () => {
    const { a, b } = await twoInstances();
    await a.gateway.publish('s1', 'v=0');
    const view = await b.gateway.startView('s1', officer);
    a.local.views.clear(); // it ended on A
    await expect(b.gateway.answerView(view.viewId, officer.id, 'v=0 late answer')).rejects.toMatchObject({
      code: 'unknown_view',
    });
  });

  it('runs the call here when no instance owns the session (never published): session_not_live, as with one instance', async () => {
    const { b } = await twoInstances();
    await expect(b.gateway.startView('nobody-published', officer)).rejects.toMatchObject({
      code: 'session_not_live',
    });
    expect(b.local.calls).toEqual(['startView nobody-published o1']);
  });

  it('fails with media_unavailable when the owner is gone (recorded, but nothing answers)', async () => {
    const { owners, b } = await twoInstances(50);
    owners.table.set('s1', 'instance-that-died');
    await expect(b.gateway.startView('s1', officer)).rejects.toMatchObject({ code: 'media_unavailable' });
    await expect(b.gateway.officerPublish('s1', officer, 'v=0 officer')).rejects.toMatchObject({
      code: 'media_unavailable',
    });
  });

  it('fails with media_unavailable when the owner cannot be looked up (Redis down), without touching local media', async () => {
    const { owners, b } = await twoInstances();
    owners.breakIt();
    await expect(b.gateway.startView('s1', officer)).rejects.toMatchObject({ code: 'media_unavailable' });
    expect(b.local.calls).toEqual([]);
  });

  it("stops a disconnected console's views where each one is", async () => {
    const { a, b } = await twoInstances();
    await a.gateway.publish('s1', 'v=0');
    b.local.live.add('s2');
    const remote = await b.gateway.startView('s1', officer);
    const here = await b.gateway.startView('s2', officer);
    await b.gateway.stopViewsOf(officer.id, [remote.viewId, here.viewId], 'console closed');
    expect(a.local.calls).toContain(`stopViewsOf ${remote.viewId}`);
    expect(b.local.calls).toContain(`stopViewsOf ${here.viewId}`);
  });

  it('forgets where a view was once it has ended, so a later call for it runs here and is refused', async () => {
    const { a, b } = await twoInstances();
    await a.gateway.publish('s1', 'v=0');
    const view = await b.gateway.startView('s1', officer);
    a.events.publish('view.ended', { viewId: view.viewId, ownerId: officer.id, reason: 'caller left' });
    await new Promise((r) => setTimeout(r, 0));
    await expect(b.gateway.answerView(view.viewId, officer.id, 'v=0')).rejects.toMatchObject({
      code: 'unknown_view',
    });
    expect(b.local.calls).toEqual([`answerView ${view.viewId} v=0`]);
  });
});
