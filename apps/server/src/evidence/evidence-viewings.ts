import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { Random } from '../adapters/random.js';
import { forbidden } from '../lib/errors.js';

/** A viewing lasts this long plus twice the recording's length (time to pause, rewind and re-watch). */
export const VIEWING_BASE_MS = 30 * 60_000;
/** No viewing lasts longer than this, however long the recording. */
export const VIEWING_MAX_MS = 12 * 3_600_000;
/** Asking again within this long (a re-render, a double click) returns the same viewing. */
export const VIEWING_REUSE_MS = 60_000;

export interface Viewing {
  id: string;
  itemId: string;
  officerId: string;
  startedAt: number;
  expiresAt: number;
}

/**
 * Playback grants: each is one audited viewing of one item by one officer, and the only way
 * playback can fetch bytes. They are rows in the database, so a player whose range requests
 * the load balancer spreads over several instances is served by each of them.
 */
export class EvidenceViewings {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** A recent unexpired viewing of this item by this officer, if there is one to reuse. */
  async recent(itemId: string, officerId: string): Promise<Viewing | null> {
    const now = this.clock.now();
    const row = await this.db
      .selectFrom('evidence_viewings')
      .selectAll()
      .where('item_id', '=', itemId)
      .where('officer_id', '=', officerId)
      .where('started_at', '>', now - VIEWING_REUSE_MS)
      .where('expires_at', '>', now)
      .orderBy('started_at', 'desc')
      .executeTakeFirst();
    return row ? toViewing(row) : null;
  }

  /** A new viewing, not yet saved: the caller audits it, then saves it (so none is usable unaudited). */
  plan(itemId: string, officerId: string, durationMs: number | null): Viewing {
    const now = this.clock.now();
    const lifetime = Math.min(VIEWING_MAX_MS, VIEWING_BASE_MS + 2 * Math.max(0, durationMs ?? 0));
    return { id: this.random.id(), itemId, officerId, startedAt: now, expiresAt: now + lifetime };
  }

  /** Makes a planned viewing usable on every instance (and forgets expired ones). */
  async save(v: Viewing): Promise<void> {
    await this.db.deleteFrom('evidence_viewings').where('expires_at', '<=', this.clock.now()).execute();
    await this.db
      .insertInto('evidence_viewings')
      .values({
        id: v.id,
        item_id: v.itemId,
        officer_id: v.officerId,
        started_at: v.startedAt,
        expires_at: v.expiresAt,
      })
      .execute();
  }

  /** Throws unless `viewingId` is a live viewing of `itemId` by `officerId`. */
  async check(viewingId: string, itemId: string, officerId: string): Promise<Viewing> {
    const row = await this.db
      .selectFrom('evidence_viewings')
      .selectAll()
      .where('id', '=', viewingId)
      .executeTakeFirst();
    if (!row || row.item_id !== itemId || row.officer_id !== officerId)
      throw forbidden('this is not your viewing of this item; press Play again');
    if (Number(row.expires_at) <= this.clock.now())
      throw forbidden('this viewing has ended; press Play again');
    return toViewing(row);
  }
}

function toViewing(row: {
  id: string;
  item_id: string;
  officer_id: string;
  started_at: number;
  expires_at: number;
}): Viewing {
  return {
    id: row.id,
    itemId: row.item_id,
    officerId: row.officer_id,
    startedAt: Number(row.started_at),
    expiresAt: Number(row.expires_at),
  };
}
