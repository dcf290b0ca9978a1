import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisEngine, startRedis } from '@sightline/testkit/engines/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeDeviceCopy,
  connectCaller,
  cookieFrom,
  eventually,
  invite,
  type OfficerClient,
  openLink,
  putDeviceCopyChunk,
  signIn,
  startServer,
  TestClock,
  type TestServer,
  TestSocket,
} from './harness.js';

// Two server instances on ONE database (SQLite file, or PostgreSQL with SIGHTLINE_TEST_DB=postgres),
// one Redis, one key directory and one evidence store, as behind a load balancer. Each test makes
// both do the same thing at the same moment and checks it happened once.
const DAY = 86_400_000;
const clock = new TestClock();
let redis: RedisEngine;
let shared: string;
let a: TestServer;
let b: TestServer;
let handlerA: OfficerClient;
let handlerB: OfficerClient;

beforeAll(async () => {
  redis = await startRedis();
  shared = await mkdtemp(join(tmpdir(), 'sightline-shared-'));
  const common = {
    ...redis.env(),
    // No media is needed here: the instances run no Janus (they would use media nodes, and there are none).
    SIGHTLINE_MEDIA: 'nodes',
    SIGHTLINE_JANUS_API_SECRET: 'unused-api-secret',
    SIGHTLINE_JANUS_ADMIN_KEY: 'unused-admin-key',
    SIGHTLINE_KEY_DIR: join(shared, 'keys'),
    SIGHTLINE_EVIDENCE_DIR: join(shared, 'evidence'),
  };
  a = await startServer({ clock, env: { ...common, SIGHTLINE_INSTANCE_ID: 'instance-a' } });
  b = await startServer({
    clock,
    env: { ...common, SIGHTLINE_INSTANCE_ID: 'instance-b', SIGHTLINE_DATABASE_URL: a.databaseUrl },
  });
  handlerA = await signIn(a, ['call-handler', 'supervisor']);
  handlerB = await signIn(b, ['call-handler', 'supervisor']);
}, 120_000);
afterAll(async () => {
  // B first: A owns the database (and drops it on close).
  await b?.close();
  await a?.close();
  await redis?.stop();
  if (shared) await rm(shared, { recursive: true, force: true });
});

/** The response's status, once its body is read (an unread body holds the connection open). */
const statusOf = async (res: Promise<Response>) => {
  const r = await res;
  await r.arrayBuffer();
  return r.status;
};

const auditCount = async (action: string, subjectId: string) =>
  (await a.c.audit.list({ limit: 1000, action, subjectId })).length;

describe('several instances on one database', () => {
  it('a caller link is claimed by exactly one device when opens race on both instances', async () => {
    const { sessionId, token } = await invite(a, handlerA);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => openLink(i % 2 ? b : a, token)));
    await Promise.all(answers.map((r) => r.arrayBuffer())); // a body left unread holds its connection open
    const unknown = [...token].reverse().join('');
    const won = answers.filter((r) => r.status === 200 && r.headers.getSetCookie().length > 0);
    expect(won).toHaveLength(1);
    // Every loser gets the same neutral answer as an unknown link.
    const lost = answers.filter((r) => !won.includes(r));
    expect(new Set(lost.map((r) => r.status))).toEqual(new Set([await statusOf(openLink(a, unknown))]));
    expect(await auditCount('link.open', sessionId)).toBe(1);
    expect((await a.c.sessions.get(sessionId)).state).toBe('opened');
    // The winner's device comes back through either instance.
    const cookie = cookieFrom(won[0]!, 'sl_caller');
    expect(await statusOf(openLink(b, token, cookie))).toBe(200);
    expect(await statusOf(openLink(a, token, cookie))).toBe(200);
  });

  it('chat sent through both instances at once gets numbers 1…n with no repeats or gaps', async () => {
    const { sessionId, token } = await invite(a, handlerA);
    const opened = await openLink(a, token);
    await opened.arrayBuffer();
    const cookie = cookieFrom(opened, 'sl_caller');
    const caller = await TestSocket.open(`${a.wsUrl}/ws/caller`, cookie);
    await caller.next((m) => m.type === 'welcome');
    const consoleB = await TestSocket.open(`${b.wsUrl}/ws/console`, handlerB.cookie);
    try {
      await consoleB.next((m) => m.type === 'hello');
      const n = 10; // the caller's chat burst
      for (let i = 0; i < n; i++) {
        caller.send({
          type: 'chat.send',
          clientId: `caller-${i}`,
          text: `from the phone ${i}`,
          sentAt: Date.now(),
        });
        consoleB.send({
          type: 'chat.send',
          sessionId,
          clientId: `officer-${i}`,
          text: `from the officer ${i}`,
        });
      }
      const history = await eventually(async () => {
        const h = await a.c.chat.history(sessionId);
        return h.length >= 2 * n ? h : null;
      }).catch(async (err: unknown) => {
        const errors = [...caller.messages, ...consoleB.messages].filter((m) => m.type === 'error');
        const h = await a.c.chat.history(sessionId);
        throw new Error(`${String(err)}: ${h.length} stored; errors ${JSON.stringify(errors)}`);
      });
      expect(history.map((m) => m.seq)).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
      expect(new Set(history.map((m) => m.clientId)).size).toBe(2 * n);
      // Each side's messages keep the order they were sent in.
      for (const from of ['caller', 'officer'])
        expect(history.filter((m) => m.clientId.startsWith(from)).map((m) => m.clientId)).toEqual(
          Array.from({ length: n }, (_, i) => `${from}-${i}`),
        );
    } finally {
      caller.close();
      consoleB.close();
    }
  });

  it('each background job runs exactly once when both instances take from the queue at once', async () => {
    a.c.jobs.stop();
    b.c.jobs.stop();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { sessionId } = await invite(a, handlerA);
      const res = await (i % 2 ? handlerB : handlerA).request('POST', '/api/exports', {
        sessionIds: [sessionId],
        reason: `race test export ${i}`,
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    await Promise.all([a.c.jobs.start(), b.c.jobs.start()]);
    await Promise.all([a.c.jobs.idle(), b.c.jobs.idle()]);
    for (const id of ids) {
      expect(await a.c.jobs.get(id)).toMatchObject({ state: 'done', lease_owner: null });
      expect(await auditCount('export.complete', id)).toBe(1);
      // The package is in the shared store and downloads through either instance.
      for (const officer of [handlerA, handlerB]) {
        const dl = await officer.request('GET', `/api/exports/${id}/download`);
        expect(dl.status).toBe(200);
        await dl.arrayBuffer();
      }
    }
  });

  it('disposal runs on one instance: each session is disposed of once, and a run asked for at the same moment on the other is refused', async () => {
    let shifted = 0;
    /** Sessions that have ended, due for disposal once the clock moves 40 days on. */
    const ended = async (n: number) => {
      const officer = await signIn(a, ['call-handler']);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const { sessionId } = await invite(a, officer);
        expect(
          await statusOf(officer.request('POST', `/api/sessions/${sessionId}/end`, { reason: 'test' })),
        ).toBe(200);
        ids.push(sessionId);
      }
      clock.t += 40 * DAY;
      shifted += 40 * DAY;
      return ids;
    };
    try {
      // Two real runs asked for at once (console, CLI) on different instances: one runs, one is refused.
      let due = await ended(4);
      const runs = await Promise.allSettled([
        a.c.disposal.run({ dryRun: false, actor: { type: 'system' } }),
        b.c.disposal.run({ dryRun: false, actor: { type: 'system' } }),
      ]);
      expect(runs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((runs.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
        code: 'conflict',
      });
      for (const id of due) {
        expect((await a.c.sessions.get(id)).disposed_at).not.toBeNull();
        expect(await auditCount('retention.dispose', id)).toBe(1);
      }

      // Both instances' timers fire together: only the one that takes this interval's lease disposes.
      due = await ended(4);
      await Promise.all([a.c.disposal.scheduledRun(), b.c.disposal.scheduledRun()]);
      for (const id of due) {
        expect((await b.c.sessions.get(id)).disposed_at).not.toBeNull();
        expect(await auditCount('retention.dispose', id)).toBe(1);
      }
    } finally {
      clock.t -= shifted;
    }
  });

  it("a viewing started on one instance plays from the other (the player's range requests go to either)", async () => {
    const { cookie, sock } = await connectCaller(a, handlerA);
    try {
      const bytes = Buffer.concat([
        Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01]),
        randomBytes(4000),
      ]);
      expect((await putDeviceCopyChunk(a, cookie, 'part-view01', 0, bytes)).status).toBe(200);
      const done = await completeDeviceCopy(a, cookie, 'part-view01', 1, 'video/webm');
      const { evidenceId } = (await done.json()) as { evidenceId: string };
      const started = await handlerA.request('POST', `/api/evidence/${evidenceId}/viewings`, {});
      expect(started.status).toBe(201);
      const { url } = (await started.json()) as { url: string };
      for (const s of [b, a, b]) {
        const res = await fetch(`${s.url}${url}`, {
          headers: { cookie: handlerA.cookie, range: 'bytes=0-99' },
        });
        expect(res.status).toBe(206);
        expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes.subarray(0, 100));
      }
      // Still one audited viewing, wherever the bytes came from.
      expect(await auditCount('evidence.playback', evidenceId)).toBe(1);
      // Another officer cannot ride on it, on either instance.
      const other = await fetch(`${b.url}${url}`, { headers: { cookie: handlerB.cookie } });
      expect(other.status).toBe(403);
      await other.arrayBuffer();
    } finally {
      sock.close();
    }
  });

  it("a route's rate limit holds across instances (counted in Redis), and lets requests through while Redis is down", async () => {
    // GET /j/<token> allows 60 a minute from one address; 35 to each instance makes 70.
    const page = (s: TestServer, i: number) => statusOf(fetch(`${s.url}/j/rate-limit-${i}`));
    const statuses = await Promise.all(Array.from({ length: 70 }, (_, i) => page(i % 2 ? b : a, i)));
    expect(statuses.filter((st) => st === 200)).toHaveLength(60);
    expect(statuses.filter((st) => st === 429)).toHaveLength(10);
    await redis.kill();
    try {
      expect(await page(a, 0)).toBe(200);
      expect(await page(b, 1)).toBe(200);
    } finally {
      await redis.start();
      // Both reconnect by themselves (and must have before they are stopped).
      await eventually(() => [a, b].every((s) => s.c.events.health().state === 'up'));
    }
  });
});
