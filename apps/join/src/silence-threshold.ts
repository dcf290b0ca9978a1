/**
 * Silence from the server on a connected publish for this long means the path is gone. Janus
 * sends a live publisher feedback (transport-wide congestion control) several times a second,
 * so a second of nothing is usually no lull. A wrong guess costs only an ICE restart on the same
 * connection, which the officer does not see.
 */
export const SILENT_MS = 1_000;
/** The longest the threshold grows to while restarts keep following each other. */
export const SILENT_MAX_MS = 8_000;
/** A restart this long after the one before starts the threshold again from SILENT_MS. */
export const SILENT_CALM_MS = 30_000;

/**
 * How long a silence must last before the page restarts ICE. A quiet link that is healthy (the
 * video paused with no microphone, a page in the background, one packet a second or fewer) can
 * look silent: each restart that follows the last within SILENT_CALM_MS doubles the threshold,
 * up to SILENT_MAX_MS, so such a link is not restarted again and again.
 */
export class SilenceThreshold {
  #ms = SILENT_MS;
  #lastRestart = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  get ms(): number {
    return this.#ms;
  }

  /** A silence of `ms` restarted ICE just now: sets the threshold for the next one. */
  restarted(): void {
    const at = this.now();
    this.#ms = at - this.#lastRestart < SILENT_CALM_MS ? Math.min(this.#ms * 2, SILENT_MAX_MS) : SILENT_MS;
    this.#lastRestart = at;
  }
}
