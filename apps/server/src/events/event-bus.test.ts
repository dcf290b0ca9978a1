import { describe, expect, it } from 'vitest';
import type { Logger } from '../lib/logger.js';
import { EventBus } from './event-bus.js';
import { MemoryHub } from './memory-hub.js';

/** A logger that keeps what was logged at error and warn level. */
function recordingLogger() {
  const lines: Array<{ level: string; msg: string | undefined }> = [];
  const log: Logger = {
    info() {},
    debug() {},
    warn: (_o, msg) => void lines.push({ level: 'warn', msg }),
    error: (_o, msg) => void lines.push({ level: 'error', msg }),
    child: () => log,
  };
  return { log, lines };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('EventBus in one process', () => {
  it('delivers to every subscriber at once, in subscription order, marked local', () => {
    const bus = new EventBus('a', recordingLogger().log);
    const seen: string[] = [];
    bus.subscribe(
      'session.ended',
      (p, meta) => void seen.push(`1:${p.sessionId}:${meta.local}:${meta.origin}`),
    );
    bus.subscribe('session.ended', (p) => void seen.push(`2:${p.reason}`));
    bus.publish('session.ended', { sessionId: 's1', reason: 'officer_ended' });
    // Synchronous: the publisher's next line already sees the effects, as with the old emitters.
    expect(seen).toEqual(['1:s1:true:a', '2:officer_ended']);
  });

  it("logs a subscriber's exception or rejection and still reaches the others; the publisher never sees it", async () => {
    const { log, lines } = recordingLogger();
    const bus = new EventBus('a', log);
    const seen: string[] = [];
    bus.subscribe('evidence.updated', () => {
      throw new Error('boom');
    });
    bus.subscribe('evidence.updated', async () => {
      throw new Error('async boom');
    });
    bus.subscribe('evidence.updated', (p) => void seen.push(p.sessionId));
    expect(() => bus.publish('evidence.updated', { sessionId: 's1' })).not.toThrow();
    expect(seen).toEqual(['s1']);
    await flush();
    expect(lines.map((l) => l.msg)).toEqual(['events: a subscriber threw', 'events: a subscriber failed']);
  });

  it('stops delivering after unsubscribe', () => {
    const bus = new EventBus('a', recordingLogger().log);
    const seen: string[] = [];
    const off = bus.subscribe('outbox.changed', () => void seen.push('x'));
    bus.publish('outbox.changed', {});
    off();
    bus.publish('outbox.changed', {});
    expect(seen).toEqual(['x']);
  });
});

describe('EventBus between instances', () => {
  async function pair() {
    const hub = new MemoryHub();
    const a = new EventBus('a', recordingLogger().log, hub.transport());
    const bLog = recordingLogger();
    const b = new EventBus('b', bLog.log, hub.transport());
    await a.start();
    await b.start();
    return { hub, a, b, bLines: bLog.lines };
  }

  it('gets an event to the other instance, marked with its origin, and not back to the publisher twice', async () => {
    const { a, b } = await pair();
    const onA: string[] = [];
    const onB: string[] = [];
    a.subscribe('chat.message', (p, m) => void onA.push(`${p.message.text}:${m.origin}:${m.local}`));
    b.subscribe('chat.message', (p, m) => void onB.push(`${p.message.text}:${m.origin}:${m.local}`));
    const message = {
      id: 'm1',
      seq: 1,
      from: 'caller' as const,
      officerName: null,
      text: 'help',
      clientId: 'client-1',
      sentAt: 1,
      receivedAt: 2,
      deliveredAt: null,
      readAt: null,
    };
    a.publish('chat.message', { sessionId: 's1', message });
    await flush();
    expect(onA).toEqual(['help:a:true']);
    expect(onB).toEqual(['help:a:false']);
  });

  it("keeps an instance's own facts (storage, media status) to itself", async () => {
    const { a, b } = await pair();
    const onB: string[] = [];
    b.subscribe('storage.recovered', () => void onB.push('storage'));
    b.subscribe('outbox.changed', () => void onB.push('outbox'));
    a.publish('storage.recovered', { area: 'spool' });
    a.publish('outbox.changed', {});
    await flush();
    expect(onB).toEqual(['outbox']);
  });

  it('runs work meant to happen once only where the event was published (subscribeLocal)', async () => {
    const { a, b } = await pair();
    const saved: string[] = [];
    a.subscribeLocal('session.ended', (p) => void saved.push(`a:${p.sessionId}`));
    b.subscribeLocal('session.ended', (p) => void saved.push(`b:${p.sessionId}`));
    a.publish('session.ended', { sessionId: 's1', reason: 'x' });
    await flush();
    expect(saved).toEqual(['a:s1']);
  });

  it('drops, and logs, an event from another instance that is malformed or does not match its schema', async () => {
    const hub = new MemoryHub();
    const rogue = hub.transport();
    const { log, lines } = recordingLogger();
    const b = new EventBus('b', log, hub.transport());
    const seen: unknown[] = [];
    b.subscribe('location.fix', (p) => void seen.push(p));
    await b.start();
    await rogue.start();
    const envelope = {
      v: 1,
      type: 'location.fix',
      origin: 'x',
      payload: { sessionId: 's', fix: { lat: 'north' } },
    };
    rogue.send(JSON.stringify(envelope));
    rogue.send(JSON.stringify({ ...envelope, type: 'no.such.event' }));
    rogue.send('not json');
    await flush();
    expect(seen).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual([
      'events: dropped an event whose payload does not match its schema',
      'events: dropped a malformed envelope from the transport',
      'events: dropped a malformed envelope from the transport',
    ]);
  });
});
