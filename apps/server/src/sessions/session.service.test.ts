import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { cryptoRandom, hashSecret } from '../adapters/random.js';
import { AuditService } from '../audit/audit.service.js';
import { LocationService } from '../location/location.service.js';
import { SessionRepository } from './session.repository.js';
import { SessionService, withinWindow } from './session.service.js';

// Two services on two connections to one database file stand for two server instances.
describe('SessionService: state changes that race across instances happen once', () => {
  let dir: string;
  let dbs: Db[];
  const clock = { t: 1_800_000_000_000, now: () => clock.t };
  const events = { publish() {} };
  const service = (db: Db) =>
    new SessionService(
      new SessionRepository(db),
      new LocationService(db, clock, events),
      clock,
      cryptoRandom,
      new AuditService(db, clock, cryptoRandom, null),
      3_600_000,
      events,
    );
  const session = async (state: string, token = 'link-token') => {
    const id = cryptoRandom.id();
    await dbs[0]!
      .insertInto('sessions')
      .values({
        id,
        phone_e164: '+447700900001',
        phone_masked: '07700 9•••01',
        state,
        created_by: 'o1',
        created_at: clock.now(),
        expires_at: clock.now() + 60_000,
        token_hash: hashSecret(token),
        publishing: state === 'live' ? 1 : 0,
      })
      .execute();
    return id;
  };
  const timeline = async (id: string) =>
    (await new SessionRepository(dbs[1]!).timeline(id)).map((e) => e.type);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sessions-'));
    const url = `sqlite:${join(dir, 'db.sqlite')}`;
    dbs = [openDatabase(url), openDatabase(url)];
    await migrateToLatest(dbs[0]!);
    await dbs[0]!
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
  });
  afterEach(async () => {
    for (const db of dbs) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a link opened through both instances at once is claimed by one device only', async () => {
    const id = await session('sent');
    const [a, b] = [service(dbs[0]!), service(dbs[1]!)];
    const meta = { userAgent: null, ip: null };
    const results = await Promise.allSettled([
      a.openLink('link-token', undefined, meta),
      b.openLink('link-token', undefined, meta),
      a.openLink('link-token', undefined, meta),
      b.openLink('link-token', undefined, meta),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'link_unavailable' });
    expect(await timeline(id)).toEqual(['link.opened']);
  });

  it("marks a caller's video stopped once, and resumed once, when both instances hear it", async () => {
    const id = await session('live');
    const [a, b] = [service(dbs[0]!), service(dbs[1]!)];
    await Promise.all([
      a.videoStopped(id, 'no video reaching the server'),
      b.videoStopped(id, 'no video reaching the server'),
    ]);
    expect(await timeline(id)).toEqual(['media.stopped']);
    clock.t += 5_000;
    await Promise.all([a.videoResumed(id), b.videoResumed(id)]);
    expect(await timeline(id)).toEqual(['media.stopped', 'media.resumed']);
    expect(await a.get(id)).toMatchObject({ publishing: 1, video_stopped_at: null });
  });

  it('ends a session once when both instances end it', async () => {
    const id = await session('live');
    const [a, b] = [service(dbs[0]!), service(dbs[1]!)];
    const ended: string[] = [];
    await Promise.all([
      a.end(id, 'ended_by_officer', { type: 'system' }).then(() => ended.push('a')),
      b.end(id, 'caller_stopped', { type: 'system' }).then(() => ended.push('b')),
    ]);
    expect(ended.sort()).toEqual(['a', 'b']); // both answer (idempotent)…
    expect(await timeline(id)).toEqual(['session.ended']); // …but it ends once
  });

  it('a cancelled check’s link is refused even before the cancel has ended its session', async () => {
    // Cancelling marks the check, then ends the session: a caller opening between the two steps.
    const id = await session('sent', 'check-token');
    await dbs[0]!
      .updateTable('sessions')
      .set({ not_before: clock.now() - 1000, cancelled_at: clock.now() })
      .where('id', '=', id)
      .execute();
    await expect(
      service(dbs[1]!).openLink('check-token', undefined, { userAgent: null, ip: null }),
    ).rejects.toMatchObject({ code: 'link_unavailable' });
    expect((await new SessionRepository(dbs[0]!).byId(id))?.state).toBe('sent');
    const row = { not_before: clock.now() - 1000, expires_at: clock.now() + 60_000, consented_at: null };
    expect(withinWindow({ ...row, cancelled_at: null }, clock.now())).toBe(true);
    expect(withinWindow({ ...row, cancelled_at: clock.now() }, clock.now())).toBe(false);
  });
});
