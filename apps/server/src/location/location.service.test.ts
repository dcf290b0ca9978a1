import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { EventBus } from '../events/event-bus.js';
import { silentLogger } from '../lib/logger.js';
import { LocationService } from './location.service.js';

const fix = (fixTime: number, lat = 51.5) => ({
  lat,
  lon: -0.12,
  accuracy: 8,
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime,
});

describe('LocationService', () => {
  let db: Db;
  const clock = { t: 1_800_000_000_000, now: () => clock.t };
  let svc: LocationService;
  let events: EventBus;
  beforeEach(async () => {
    db = openDatabase('sqlite::memory:');
    await migrateToLatest(db);
    await sql`pragma foreign_keys = off`.execute(db); // fixes only; no session rows needed here
    events = new EventBus('test', silentLogger);
    svc = new LocationService(db, clock, events);
  });
  afterEach(async () => db.destroy());

  it('takes a phone’s offline backlog in one burst, each fix with its own time', async () => {
    const base = clock.t - 120_000;
    for (let i = 0; i < 120; i++) expect(await svc.add('s1', fix(base + i * 1000))).not.toBeNull();
    const track = await svc.track('s1');
    expect(track).toHaveLength(120);
    expect(track[0]!.fixTime).toBe(base);
    expect(track.every((f) => f.receivedAt === clock.t)).toBe(true);
  });

  it('stores a re-sent fix once and does not announce it again', async () => {
    const seen: number[] = [];
    events.subscribe('location.fix', ({ fix: f }) => void seen.push(f.fixTime));
    expect(await svc.add('s1', fix(clock.t - 5000))).not.toBeNull();
    expect(await svc.add('s1', fix(clock.t - 5000))).toBeNull();
    expect(await svc.track('s1')).toHaveLength(1);
    expect(seen).toEqual([clock.t - 5000]);
    // The same time in another session is a different fix.
    expect(await svc.add('s2', fix(clock.t - 5000))).not.toBeNull();
  });

  it('refuses a flood beyond the burst, and recovers as time passes', async () => {
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 700; i++) {
      try {
        await svc.add('s1', fix(clock.t - 1_000_000 + i));
        accepted++;
      } catch (err) {
        expect((err as { code?: string }).code).toBe('rate_limited');
        refused++;
      }
    }
    expect(accepted).toBe(600);
    expect(refused).toBe(100);
    clock.t += 1000;
    expect(await svc.add('s1', fix(clock.t))).not.toBeNull();
  });
});
