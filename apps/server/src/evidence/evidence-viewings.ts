import type { Clock } from '../adapters/clock.js';
import type { Random } from '../adapters/random.js';
import { forbidden } from '../lib/errors.js';

/** A viewing lasts this long plus twice the recording's length (time to pause, rewind and re-watch). */
export const VIEWING_BASE_MS = 30 * 60_000;
/** No viewing lasts longer than this, however long the recording. */
export const VIEWING_MAX_MS = 12 * 3_600_000;
/** Asking again within this long (a re-render, a double click) returns the same viewing. */
export const VIEWING_REUSE_MS = 60_000;

interface Viewing {
  id: string;
  itemId: string;
  officerId: string;
  startedAt: number;
  expiresAt: number;
}

/**
 * Playback grants: each is one audited viewing of one item by one officer, and the
 * only way playback can fetch bytes. They live in memory: a restart ends every
 * viewing, and the console starts a new one (audited again).
 */
export class EvidenceViewings {
  readonly #byId = new Map<string, Viewing>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** A recent unexpired viewing of this item by this officer, if there is one to reuse. */
  recent(itemId: string, officerId: string): Viewing | null {
    const now = this.clock.now();
    for (const v of this.#byId.values()) {
      const mine = v.itemId === itemId && v.officerId === officerId;
      if (mine && now - v.startedAt < VIEWING_REUSE_MS && v.expiresAt > now) return v;
    }
    return null;
  }

  /** Starts a viewing; the caller audits it. */
  start(itemId: string, officerId: string, durationMs: number | null): Viewing {
    const now = this.clock.now();
    this.prune(now);
    const lifetime = Math.min(VIEWING_MAX_MS, VIEWING_BASE_MS + 2 * Math.max(0, durationMs ?? 0));
    const v = { id: this.random.id(), itemId, officerId, startedAt: now, expiresAt: now + lifetime };
    this.#byId.set(v.id, v);
    return v;
  }

  /** Throws unless `viewingId` is a live viewing of `itemId` by `officerId`. */
  check(viewingId: string, itemId: string, officerId: string): Viewing {
    const v = this.#byId.get(viewingId);
    if (!v || v.itemId !== itemId || v.officerId !== officerId)
      throw forbidden('this is not your viewing of this item; press Play again');
    if (v.expiresAt <= this.clock.now()) {
      this.#byId.delete(viewingId);
      throw forbidden('this viewing has ended; press Play again');
    }
    return v;
  }

  private prune(now: number): void {
    for (const [id, v] of this.#byId) if (v.expiresAt <= now) this.#byId.delete(id);
  }
}
