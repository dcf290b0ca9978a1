/** Fewest milliseconds between two positions the server takes from one field officer's share. */
export const POSITION_MIN_INTERVAL_MS = 2_000;

/** Above this many remembered shares, forget the ones not heard from within the interval. */
const PRUNE_AT = 5_000;

/**
 * Lets through at most one position per share per interval. A phone's watchPosition can fire
 * several times a second; the control room's map needs a fix every few seconds, and every
 * accepted fix is a database write and a message to each console watching.
 */
export class PositionThrottle {
  readonly #last = new Map<string, number>();

  constructor(private readonly intervalMs = POSITION_MIN_INTERVAL_MS) {}

  /** True if a position for `shareId` at `now` should be taken (and remembers it). */
  take(shareId: string, now: number): boolean {
    const last = this.#last.get(shareId);
    if (last !== undefined && now - last < this.intervalMs && now >= last) return false;
    this.#last.set(shareId, now);
    if (this.#last.size > PRUNE_AT) {
      for (const [id, at] of this.#last) if (now - at >= this.intervalMs) this.#last.delete(id);
    }
    return true;
  }

  /** Forgets a share (it ended). */
  forget(shareId: string): void {
    this.#last.delete(shareId);
  }
}
