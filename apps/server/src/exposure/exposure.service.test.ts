import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionService } from '../sessions/session.service.js';
import { ExposureRepository } from './exposure.repository.js';
import { ExposureService } from './exposure.service.js';

// The service over a real (SQLite) database: migration 0018, idempotent inserts, the summary.
// PostgreSQL and the HTTP side are in test/exposure.int.test.ts.
describe('ExposureService', () => {
  let dir: string;
  let db: Db;
  let now = Date.parse('2026-01-15T10:00:00Z');
  const audits: string[] = [];
  const events: Array<{ type: string; actor: string | null; detail: string | null }> = [];
  const sessions = {
    get: async (id: string) => {
      if (id !== 's1') throw new Error('session not found');
      return {};
    },
    addEvent: async (_id: string, type: string, actor: string | null, detail: string | null) => {
      events.push({ type, actor, detail });
    },
  } as unknown as SessionService;
  const audit = {
    record: async (e: { action: string }) => void audits.push(e.action),
  } as unknown as AuditService;
  const settings = {
    startBlurred: true,
    startMuted: true,
    reportMs: 20_000,
    shiftStarts: [420, 1140],
    timeZone: 'Europe/London',
    thresholds: { liveMinutes: 1, recordedMinutes: 90, distressingMarks: 2 },
  };
  const officer = { type: 'officer' as const, id: 'o1', name: 'O 1' };
  let svc: ExposureService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'exposure-'));
    db = openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    await migrateToLatest(db);
    await db
      .insertInto('officers')
      .values({
        id: 'o1',
        username: 'o1',
        display_name: 'O 1',
        password_hash: 'x',
        roles: '[]',
        created_at: 1,
      })
      .execute();
    await db
      .insertInto('sessions')
      .values({
        id: 's1',
        phone_e164: '+447700900001',
        phone_masked: '07700 9•••01',
        state: 'live',
        created_by: 'o1',
        created_at: 1,
        expires_at: 2,
        token_hash: 'h',
        publishing: 0,
      })
      .execute();
    svc = new ExposureService(
      new ExposureRepository(db),
      sessions,
      audit,
      { now: () => now },
      settings,
      // Sessions this officer may see: s1 only.
      async (_officer, _roles, sessionId) => sessionId === 's1',
    );
    audits.length = 0;
    events.length = 0;
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const iv = (id: string, seenMs: number, sessionId = 's1') => ({
    id,
    sessionId,
    kind: 'live' as const,
    spanMs: 20_000,
    seenMs,
  });

  it('counts each interval once however often it is sent, and stamps it with the server clock', async () => {
    const a = iv('00000000-0000-4000-8000-000000000001', 20_000);
    expect(await svc.report(officer, [a])).toBe(1);
    expect(await svc.report(officer, [a])).toBe(0);
    expect(await svc.report(officer, [iv('00000000-0000-4000-8000-000000000002', 5_000, 'nope')])).toBe(0);
    const rows = await db.selectFrom('exposure_intervals').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.ended_at)).toBe(now);
    expect(Number(rows[0]!.started_at)).toBe(now - 20_000);
  });

  it('flags the shift once the live threshold is reached, and audits every read', async () => {
    await svc.report(officer, [iv('00000000-0000-4000-8000-000000000003', 40_000)]);
    let r = await svc.wellbeing(officer, 1, null);
    expect(r.officers[0]!.shifts[0]!.flags).toEqual([]);
    now += 20_000;
    await svc.report(officer, [iv('00000000-0000-4000-8000-000000000004', 20_000)]);
    r = await svc.wellbeing(officer, 1, null);
    expect(r.officers[0]!.shifts[0]).toMatchObject({ liveMs: 60_000, flags: ['live'] });
    expect(new Date(r.officers[0]!.shifts[0]!.start).toISOString()).toBe('2026-01-15T07:00:00.000Z');
    await svc.mine(officer, 7, null);
    expect(audits).toEqual(['wellbeing.read', 'wellbeing.read', 'exposure.read_own']);
  });

  it('records a mark once, keeps the note out of the timeline, and names no one there', async () => {
    const input = {
      id: '00000000-0000-4000-8000-00000000000a',
      sessionId: 's1',
      kind: 'live' as const,
      note: 'hard',
    };
    const m = await svc.mark(officer, ['call-handler'], input, null);
    const again = await svc.mark(officer, ['call-handler'], input, null);
    expect(again.at).toBe(m.at);
    expect(events).toEqual([{ type: 'viewer.distressing', actor: 'viewer', detail: 'live video' }]);
    expect(audits).toEqual(['exposure.mark']);
    const r = await svc.mine(officer, 1, null);
    expect(r.officers[0]!.shifts[0]!.marks.map((x) => x.note)).toEqual(['hard']);
  });

  it('refuses a mark on a session the officer cannot see, as if it did not exist, and writes nothing', async () => {
    const input = { id: '00000000-0000-4000-8000-00000000000b', sessionId: 's2', kind: 'live' as const };
    await expect(svc.mark(officer, ['field-officer'], input, null)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(events).toEqual([]);
    expect(audits).toEqual([]);
  });
});
