import type { LocationFix, ReceivedFix } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { withTransaction } from '../adapters/db/transaction.js';
import type { EventPublisher } from '../events/event-bus.js';
import { DomainError } from '../lib/errors.js';
import { toFix } from '../sessions/session.repository.js';
import { NO_WEBHOOKS, type WebhookOutbox } from '../webhooks/webhook-outbox.js';

/**
 * Phones report about once a second. A phone coming back from a dead spot sends its
 * backlog at once, so the limit is a bucket: a burst of up to BURST fixes (ten
 * minutes offline at 1 Hz), refilled at REFILL_PER_S, which still stops a flood.
 */
const BURST = 600;
const REFILL_PER_S = 2;

/** Stores the caller's position fixes and publishes each (`location.fix`) for whoever watches the session. */
export class LocationService {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    /** The `session.location` webhook is written with the fix, in its transaction. */
    private readonly webhooks: WebhookOutbox = NO_WEBHOOKS,
  ) {}

  /**
   * Stores one fix (the caller must already have consented; checked by the caller).
   * A fix already stored (same fix time: the phone re-sent it after a reconnect) is
   * accepted and ignored, so re-sending is always safe. Returns null for such a repeat.
   * Only a stored fix uses the allowance: a phone sending its backlog again after a
   * reconnect must not be refused the new fixes that follow.
   */
  async add(sessionId: string, fix: LocationFix): Promise<ReceivedFix | null> {
    const now = this.clock.now();
    const bucket = this.allowance(sessionId, now);
    const stored = await withTransaction(this.db, async (trx) => {
      const inserted = await trx
        .insertInto('location_fixes')
        .values({
          session_id: sessionId,
          lat: fix.lat,
          lon: fix.lon,
          accuracy: fix.accuracy,
          altitude: fix.altitude,
          altitude_accuracy: fix.altitudeAccuracy,
          heading: fix.heading,
          speed: fix.speed,
          fix_time: fix.fixTime,
          received_at: now,
        })
        .onConflict((oc) => oc.columns(['session_id', 'fix_time']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      await this.webhooks.record(trx, {
        type: 'session.location',
        sessionId,
        occurredAt: now,
        data: { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy, fixTime: fix.fixTime },
      });
      return true;
    });
    if (!stored) return null;
    bucket.tokens -= 1;
    const received: ReceivedFix = { ...fix, receivedAt: now };
    this.events.publish('location.fix', { sessionId, fix: received });
    return received;
  }

  /** The session's bucket, refilled to now; throws when not even one fix is allowed. */
  private allowance(sessionId: string, now: number): { tokens: number; at: number } {
    const b = this.#buckets.get(sessionId) ?? { tokens: BURST, at: now };
    b.tokens = Math.min(BURST, b.tokens + ((now - b.at) / 1000) * REFILL_PER_S);
    b.at = now;
    this.#buckets.set(sessionId, b);
    if (b.tokens < 1)
      throw new DomainError('rate_limited', `too many location fixes; at most ${REFILL_PER_S} a second`);
    return b;
  }

  /** Every fix of a session in arrival order. */
  async track(sessionId: string): Promise<ReceivedFix[]> {
    const rows = await this.db
      .selectFrom('location_fixes')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('id')
      .execute();
    return rows.map(toFix);
  }

  /** Drops per-session state once a session is over. */
  forget(sessionId: string): void {
    this.#buckets.delete(sessionId);
  }
}
