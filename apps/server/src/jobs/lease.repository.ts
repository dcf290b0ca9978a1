import { randomUUID } from 'node:crypto';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { withLogContext } from '../lib/log-context.js';

/**
 * The leases table: named ownership that lapses unless renewed, so that periodic work (disposal,
 * expiry sweeps) runs on one of the server instances sharing the database at a time. Each
 * decision is a single conditional statement, so two instances racing cannot both win, and an
 * instance that dies gives its lease up by letting it lapse. Instances' clocks must agree to
 * well within a lease (NTP).
 */
export class LeaseRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Takes lease `name` for `owner` for `ttlMs` if it is free, lapsed or already `owner`'s (then extends it). */
  async tryAcquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const taken = await this.db
      .updateTable('leases')
      .set((eb) => ({
        // Keeps when the current holder first took it; a new holder starts afresh.
        acquired_at: eb.case().when('owner', '=', owner).then(eb.ref('acquired_at')).else(now).end(),
        owner,
        expires_at: now + ttlMs,
      }))
      .where('name', '=', name)
      .where((eb) => eb.or([eb('owner', '=', owner), eb('expires_at', '<=', now)]))
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 1) return true;
    // Never held before: the first insert wins; a row that exists (held by another) is left alone.
    const inserted = await this.db
      .insertInto('leases')
      .values({ name, owner, acquired_at: now, expires_at: now + ttlMs })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Gives lease `name` up if `owner` holds it, so another instance need not wait for it to lapse. */
  async release(name: string, owner: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
  }

  /** Who holds lease `name` now, if anyone (status, tests). */
  async holder(name: string): Promise<{ owner: string; expiresAt: number } | null> {
    const row = await this.db
      .selectFrom('leases')
      .select(['owner', 'expires_at'])
      .where('name', '=', name)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return row ? { owner: row.owner, expiresAt: Number(row.expires_at) } : null;
  }

  /**
   * Runs `fn` only while holding lease `name` for `owner` (renewed every third of `ttlMs` as it
   * runs, released after). Resolves `{ ran: false }` at once when another owner holds it.
   */
  async exclusive<T>(
    name: string,
    owner: string,
    ttlMs: number,
    fn: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }> {
    if (!(await this.tryAcquire(name, owner, ttlMs))) return { ran: false };
    const renew = setInterval(
      () => void this.tryAcquire(name, owner, ttlMs).catch(() => {}),
      Math.max(1, Math.floor(ttlMs / 3)),
    );
    renew.unref();
    try {
      // One run of a leased sweep (retention disposal) is a job of its own in the logs.
      const context = { jobId: `${name}-${randomUUID().slice(0, 8)}`, jobType: name };
      return { ran: true, value: await withLogContext(context, fn) };
    } finally {
      clearInterval(renew);
      await this.release(name, owner).catch(() => {});
    }
  }
}
