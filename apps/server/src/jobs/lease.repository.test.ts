import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { LeaseRepository } from './lease.repository.js';

// Two repositories on two connections to one database file stand for two server instances.
describe('LeaseRepository', () => {
  let dir: string;
  let dbs: Db[];
  let a: LeaseRepository;
  let b: LeaseRepository;
  const clock = { t: 1_800_000_000_000, now: () => clock.t };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leases-'));
    const url = `sqlite:${join(dir, 'db.sqlite')}`;
    dbs = [openDatabase(url), openDatabase(url)];
    await migrateToLatest(dbs[0]!);
    a = new LeaseRepository(dbs[0]!, clock);
    b = new LeaseRepository(dbs[1]!, clock);
  });
  afterEach(async () => {
    for (const db of dbs) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a free lease to exactly one of several instances asking at once', async () => {
    const wins = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).tryAcquire('disposal', `instance-${i}`, 60_000)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    const winner = `instance-${wins.indexOf(true)}`;
    expect(await b.holder('disposal')).toEqual({ owner: winner, expiresAt: clock.t + 60_000 });
  });

  it('lets the holder renew, refuses others until it lapses, then hands it over', async () => {
    expect(await a.tryAcquire('sweep', 'instance-a', 15_000)).toBe(true);
    clock.t += 10_000;
    expect(await b.tryAcquire('sweep', 'instance-b', 15_000)).toBe(false);
    expect(await a.tryAcquire('sweep', 'instance-a', 15_000)).toBe(true);
    clock.t += 14_999;
    expect(await b.tryAcquire('sweep', 'instance-b', 15_000)).toBe(false);
    clock.t += 1;
    expect(await b.tryAcquire('sweep', 'instance-b', 15_000)).toBe(true);
    expect(await a.tryAcquire('sweep', 'instance-a', 15_000)).toBe(false);
    expect((await a.holder('sweep'))?.owner).toBe('instance-b');
  });

  it('release frees the lease at once, but only for its holder', async () => {
    await a.tryAcquire('sweep', 'instance-a', 60_000);
    await b.release('sweep', 'instance-b');
    expect(await b.tryAcquire('sweep', 'instance-b', 60_000)).toBe(false);
    await a.release('sweep', 'instance-a');
    expect(await b.holder('sweep')).toBeNull();
    expect(await b.tryAcquire('sweep', 'instance-b', 60_000)).toBe(true);
  });

  it('exclusive runs the work on one instance while the other skips it, and frees the lease after', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = a.exclusive('disposal.run', 'instance-a', 60_000, async () => {
      await held;
      return 'disposed';
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(await b.exclusive('disposal.run', 'instance-b', 60_000, async () => 'twice')).toEqual({
      ran: false,
    });
    release();
    expect(await first).toEqual({ ran: true, value: 'disposed' });
    expect(await b.holder('disposal.run')).toBeNull();
    await expect(
      b.exclusive('disposal.run', 'instance-b', 60_000, async () => {
        throw new Error('disk gone');
      }),
    ).rejects.toThrow('disk gone');
    expect(await a.holder('disposal.run')).toBeNull();
  });
});
