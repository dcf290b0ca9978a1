/**
 * Time one view's footage was seen clearly: the video playing, the page visible and the
 * picture not blurred, all at once. Anything else (paused, buffering, another tab in front,
 * blurred) does not count. Plain state and a clock, so it is tested without a DOM.
 */
export class ExposureMeter {
  #clear = false;
  #playing = false;
  #visible = true;
  /** When the current run of "seen clearly" began, or null when not seen. */
  #since: number | null = null;
  #seenMs = 0;
  /** When the interval being accumulated began (the last take). */
  #spanStart: number;

  constructor(
    private readonly now: () => number = Date.now,
    /** Called just before "seen clearly" starts or stops (the reporter shares out time up to it). */
    private readonly beforeChange: () => void = () => {},
  ) {
    this.#spanStart = now();
  }

  setClear(v: boolean): void {
    this.#clear = v;
    this.update();
  }

  setPlaying(v: boolean): void {
    this.#playing = v;
    this.update();
  }

  setVisible(v: boolean): void {
    this.#visible = v;
    this.update();
  }

  /** Whether the footage is being seen clearly right now. */
  get seeing(): boolean {
    return this.#since !== null;
  }

  /** The time seen clearly since the last take, and the span it was within; starts the next interval. */
  take(): { seenMs: number; spanMs: number } {
    const now = this.now();
    let seen = this.#seenMs;
    if (this.#since !== null) {
      seen += now - this.#since;
      this.#since = now;
    }
    const span = Math.max(now - this.#spanStart, seen);
    this.#seenMs = 0;
    this.#spanStart = now;
    return { seenMs: Math.round(seen), spanMs: Math.round(span) };
  }

  private update(): void {
    const seeing = this.#clear && this.#playing && this.#visible;
    if (seeing !== (this.#since !== null)) this.beforeChange();
    const now = this.now();
    if (seeing && this.#since === null) this.#since = now;
    else if (!seeing && this.#since !== null) {
      this.#seenMs += now - this.#since;
      this.#since = null;
    }
  }
}
