import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisEngine, startRedis } from '@sightline/testkit/engines/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisPresenceStore } from '../src/adapters/redis/redis-presence.js';
import { invite, type OfficerClient, signIn, startServer, type TestServer, TestSocket } from './harness.js';

// Presence across two instances joined by Redis: officers watching one session through
// different instances see each other, a closed console stops counting at once, and an
// instance that goes (or dies) takes its watchers with it.

let redis: RedisEngine;
let a: TestServer;
let b: TestServer;
let shared: string;
let handler: OfficerClient;
let supervisor: OfficerClient;
let admin: OfficerClient;
let sessionId: string;

beforeAll(async () => {
  redis = await startRedis();
  shared = await mkdtemp(join(tmpdir(), 'sightline-shared-'));
  const common = {
    ...redis.env(),
    SIGHTLINE_KEY_DIR: join(shared, 'keys'),
    SIGHTLINE_EVIDENCE_DIR: join(shared, 'evidence'),
  };
  a = await startServer({ env: { ...common, SIGHTLINE_INSTANCE_ID: 'instance-a' } });
  // B uses A's database (A owns and drops it), so B is the one this test may stop early.
  b = await startServer({
    env: { ...common, SIGHTLINE_INSTANCE_ID: 'instance-b', SIGHTLINE_DATABASE_URL: a.c.config.databaseUrl },
  });
  handler = await signIn(a, ['call-handler']);
  supervisor = await signIn(a, ['supervisor']);
  admin = await signIn(a, ['admin']);
  ({ sessionId } = await invite(a, handler));
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await redis?.stop();
  if (shared) await rm(shared, { recursive: true, force: true });
});

async function consoleOn(s: TestServer, who: OfficerClient): Promise<TestSocket> {
  const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, who.cookie);
  await sock.next((m) => m.type === 'hello');
  return sock;
}

/** Waits for the next presence message of our session that names exactly these officers. */
async function seesWatchers(sock: TestSocket, officers: OfficerClient[], timeoutMs = 10_000) {
  const want = officers.map((o) => o.id).sort();
  const msg = await sock.next(
    (m) =>
      m.type === 'presence' &&
      m.sessionId === sessionId &&
      JSON.stringify((m.watchers as Array<{ officerId: string }>).map((w) => w.officerId).sort()) ===
        JSON.stringify(want),
    timeoutMs,
  );
  return msg.watchers as Array<{ officerId: string; name: string; since: number }>;
}

describe('presence', () => {
  it('shows two officers watching through different instances to each other, never to a role that cannot read sessions', async () => {
    const adminSock = await consoleOn(b, admin);
    const onA = await consoleOn(a, handler);
    onA.send({ type: 'watch', sessionId });
    await seesWatchers(onA, [handler]);

    const onB = await consoleOn(b, supervisor);
    onB.send({ type: 'watch', sessionId });
    const both = await seesWatchers(onB, [handler, supervisor]);
    await seesWatchers(onA, [handler, supervisor]);
    // Earliest first, with names to show.
    expect(both.map((w) => w.officerId)).toEqual([handler.id, supervisor.id]);
    expect(both[0]?.name).toMatch(/^Officer \d+$/);

    // Closing the handler's console removes them at once, on the other instance too.
    onA.close();
    const left = await onB.next(
      (m) => m.type === 'presence' && m.sessionId === sessionId && (m.watchers as unknown[]).length === 1,
      10_000,
    );
    expect((left.watchers as Array<{ officerId: string }>)[0]?.officerId).toBe(supervisor.id);

    // The admin (no session:read) was told nothing about who watches what.
    adminSock.send({ type: 'ping' });
    await adminSock.next((m) => m.type === 'pong');
    expect(adminSock.messages.filter((m) => m.type === 'presence')).toEqual([]);
    adminSock.close();
    onB.close();
  });

  it('a console that may list sessions is told who watches them when it connects', async () => {
    const watching = await consoleOn(a, handler);
    watching.send({ type: 'watch', sessionId });
    await seesWatchers(watching, [handler]);
    const lister = await consoleOn(b, supervisor);
    await seesWatchers(lister, [handler]);
    watching.close();
    lister.close();
  });

  it('forgets the watchers of an instance that stopped renewing them (no ghosts)', async () => {
    const onA = await consoleOn(a, handler);
    onA.send({ type: 'watch', sessionId });
    await seesWatchers(onA, [handler]);

    // A third instance that writes its watchers once and then dies: its list lapses in Redis.
    const ghost = { sessionId, officerId: 'ghost-officer', name: 'Ghost', since: Date.now() };
    await new RedisPresenceStore(a.c.redis!, 1_500).put('instance-dead', [ghost]);
    a.c.events.publish('presence.changed', { sessionId });
    const withGhost = await onA.next(
      (m) => m.type === 'presence' && (m.watchers as Array<{ name: string }>).some((w) => w.name === 'Ghost'),
    );
    expect(withGhost.sessionId).toBe(sessionId);
    // The heartbeat (every 5 s) reads again after the lapse and the ghost is gone.
    await seesWatchers(onA, [handler], 15_000);
    onA.close();
  });

  it('an instance that shuts down takes its watchers with it', async () => {
    const onA = await consoleOn(a, handler);
    onA.send({ type: 'watch', sessionId });
    const onB = await consoleOn(b, supervisor);
    onB.send({ type: 'watch', sessionId });
    await seesWatchers(onA, [handler, supervisor]);

    await b.close();
    const after = await onA.next(
      (m) => m.type === 'presence' && m.sessionId === sessionId && (m.watchers as unknown[]).length === 1,
      10_000,
    );
    expect((after.watchers as Array<{ officerId: string }>)[0]?.officerId).toBe(handler.id);
    onA.close();
  });
});
