import type { LocationFix, ReceivedFix } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { DomainError } from '../lib/errors.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { toFix } from '../sessions/session.repository.js';

export interface LocationEvents {
  fix: (sessionId: string, fix: ReceivedFix) => void;
}

/** Phones report at most ~1 Hz; anything much faster is a bug or abuse. */
const MIN_INTERVAL_MS = 200;

/** Stores the caller's position fixes and relays each to whoever watches the session. */
export class LocationService extends TypedEmitter<LocationEvents> {
  readonly #lastAccepted = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Stores one fix. The caller must already have consented (checked by the caller). */
  async add(sessionId: string, fix: LocationFix): Promise<ReceivedFix> {
    const now = this.clock.now();
    const last = this.#lastAccepted.get(sessionId);
    if (last !== undefined && now - last < MIN_INTERVAL_MS) {
      throw new DomainError('rate_limited', `at most one fix every ${MIN_INTERVAL_MS} ms`);
    }
    this.#lastAccepted.set(sessionId, now);
    await this.db
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
      .execute();
    const received: ReceivedFix = { ...fix, receivedAt: now };
    this.safeEmit('fix', sessionId, received);
    return received;
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
    this.#lastAccepted.delete(sessionId);
  }
}
