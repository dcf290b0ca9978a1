import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionService } from '../sessions/session.service.js';
import { FixWatch } from './fix-watch.js';
import { OutcomeRepository } from './outcome.repository.js';

const MIN = 60_000;

// Two watchers on two connections to one database file stand for two server instances.
describe('FixWatch (missing-person no-fix alert)', () => {
  let dir: string;
  let dbs: Db[];
  let events: Array<{ sessionId: string; type: string; detail: string | null }>;
  let audits: string[];
  let watchers: FixWatch[];
  const clock = { t: 1_800_000_000_000, now: () => clock.t };
  const start = clock.t;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fix-watch-'));
    const url = `sqlite:${join(dir, 'db.sqlite')}`;
    dbs = [openDatabase(url), openDatabase(url)];
    await migrateToLatest(dbs[0]!);
    events = [];
    audits = [];
    const sessions = {
      addEvent: async (sessionId: string, type: string, _actor: string | null, detail: string | null) => {
        events.push({ sessionId, type, detail });
        return { id: 'e', at: clock.t, type, actor: null, detail };
      },
    } as unknown as SessionService;
    const audit = {
      record: async (e: { action: string }) => void audits.push(e.action),
    } as unknown as AuditService;
    watchers = dbs.map((db) => new FixWatch(db, sessions, audit, clock));
    await dbs[0]!
      .insertInto('officers')
      .values({
        id: 'o1',
        username: 'pc',
        display_name: 'PC Jones',
        password_hash: 'x',
        roles: '["call-handler"]',
        created_at: start,
        disabled_at: null,
        last_login_at: null,
      })
      .execute();
    await session(dbs[0]!, 's1', 'live');
    await new OutcomeRepository(dbs[0]!).saveWorkflow(
      's1',
      { kind: 'missing-person', fixAlertMinutes: 5 },
      start,
    );
    await fix(dbs[0]!, 's1', start + MIN);
  });
  afterEach(async () => {
    for (const db of dbs) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('raises once when fixes stop for longer than the threshold, on one of several instances, and clears when they resume', async () => {
    clock.t = start + 6 * MIN; // last fix 5 min ago: not yet
    expect(await watchers[0]!.sweep()).toBe(0);
    clock.t = start + 6 * MIN + 1_000;
    const changed = await Promise.all(watchers.map((w) => w.sweep()));
    expect(changed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['location.stale']);
    expect(events[0]!.detail).toMatch(/no position for over 5 min/);
    expect((await new OutcomeRepository(dbs[0]!).workflow('s1'))?.alertSince).toBe(clock.t);
    clock.t += 10 * MIN;
    expect(await watchers[1]!.sweep()).toBe(0); // still stale: no repeat

    await fix(dbs[0]!, 's1', clock.t);
    clock.t += 15_000;
    await Promise.all(watchers.map((w) => w.sweep()));
    expect(events.map((e) => e.type)).toEqual(['location.stale', 'location.resumed']);
    expect(audits).toEqual(['location.stale', 'location.resumed']);
    expect((await new OutcomeRepository(dbs[0]!).workflow('s1'))?.alertSince).toBeNull();
  });

  it('a fix clears the alert at once, without waiting for the sweep', async () => {
    clock.t = start + 7 * MIN;
    await watchers[0]!.sweep();
    await watchers[1]!.fixArrived('s1');
    await watchers[0]!.fixArrived('s1');
    expect(events.map((e) => e.type)).toEqual(['location.stale', 'location.resumed']);
  });

  it("an ordinary call's fixes cost at most one query in all, however many arrive", async () => {
    await session(dbs[0]!, 's2', 'live');
    const queries: string[] = [];
    const counted = dbs[0]!.withPlugin({
      transformQuery: (a) => {
        queries.push(a.node.kind);
        return a.node;
      },
      transformResult: async (a) => a.result,
    });
    const w = new FixWatch(
      counted,
      { addEvent: async () => null } as unknown as SessionService,
      {
        record: async () => {},
      } as unknown as AuditService,
      clock,
    );
    for (let i = 0; i < 20; i++) await w.fixArrived('s2');
    expect(queries).toEqual(['SelectQueryNode']);
    // A watched search still clears its alert on the next fix.
    clock.t = start + 7 * MIN;
    await watchers[0]!.sweep();
    await w.fixArrived('s1');
    expect((await new OutcomeRepository(dbs[0]!).workflow('s1'))?.alertSince).toBeNull();
  });

  it("a training override replaces every search's threshold, and the alert says it in seconds", async () => {
    const [sessions, audit] = [
      {
        addEvent: async (sessionId: string, type: string, _a: null, detail: string | null) =>
          void events.push({ sessionId, type, detail }),
      },
      { record: async () => {} },
    ] as unknown as [SessionService, AuditService];
    const short = new FixWatch(dbs[0]!, sessions, audit, clock, 10_000);
    clock.t = start + MIN + 10_000; // the invite's 5 minutes are far off; the override's 10 s are not yet past
    expect(await short.sweep()).toBe(0);
    clock.t += 1;
    expect(await short.sweep()).toBe(1);
    expect(events[0]!.detail).toMatch(/no position for over 10 s/);
  });

  it('outcomes cannot be changed or deleted, only added to (the database refuses)', async () => {
    const repo = new OutcomeRepository(dbs[0]!);
    await repo.insert({
      id: 'x1',
      session_id: 's1',
      kind: 'missing-person',
      data: { kind: 'missing-person', status: 'not-located', reason: 'Search continues' },
      supersedes: null,
      correction_reason: null,
      recorded_by: 'o1',
      recorded_by_name: 'PC Jones',
      recorded_at: start,
    });
    await expect(dbs[0]!.updateTable('outcomes').set({ data: '{}' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(dbs[0]!.deleteFrom('outcomes').execute()).rejects.toThrow(/append-only/);
    expect((await repo.list('s1')).map((o) => o.record)).toEqual([
      { kind: 'missing-person', status: 'not-located', reason: 'Search continues' },
    ]);
  });

  it('ignores ended searches and sessions that are not searches', async () => {
    await session(dbs[0]!, 's2', 'live'); // a location link with no search: no alert
    await session(dbs[0]!, 's3', 'ended');
    await new OutcomeRepository(dbs[0]!).saveWorkflow(
      's3',
      { kind: 'missing-person', fixAlertMinutes: 1 },
      start,
    );
    await dbs[0]!.updateTable('sessions').set({ state: 'ended' }).where('id', '=', 's1').execute();
    clock.t = start + 60 * MIN;
    expect(await watchers[0]!.sweep()).toBe(0);
    expect(events).toEqual([]);
  });
});

async function session(db: Db, id: string, state: string) {
  await db
    .insertInto('sessions')
    .values({
      id,
      reference: null,
      phone_e164: '+447911123456',
      phone_masked: '+44 •••••••456',
      state,
      created_by: 'o1',
      created_at: 1_800_000_000_000,
      expires_at: 1_800_000_000_000 + 30 * MIN,
      token_hash: `t-${id}`,
      caller_secret_hash: null,
      caller_secret_expires_at: null,
      opened_at: null,
      consented_at: 1_800_000_000_000,
      refused_at: null,
      live_at: null,
      ended_at: null,
      end_reason: null,
      caller_user_agent: null,
      publishing: 0,
      mode: 'location',
      location_minutes: 720,
    })
    .execute();
}

async function fix(db: Db, sessionId: string, at: number) {
  await db
    .insertInto('location_fixes')
    .values({
      session_id: sessionId,
      lat: 51.5,
      lon: -0.12,
      accuracy: 8,
      altitude: null,
      altitude_accuracy: null,
      heading: null,
      speed: null,
      fix_time: at,
      received_at: at,
    })
    .execute();
}
