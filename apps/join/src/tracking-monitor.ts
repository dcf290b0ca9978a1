import type { TrackingStopReason } from '@sightline/protocol';

/**
 * How long a gap must last before the caller is told tracking stopped. Indoors a phone often
 * finds no GPS fix for a minute or two (the page already treats a timeout within 30 s of a
 * fix as a hiccup), so "no position" waits five minutes: never a false alarm in a building.
 */
export const NO_FIX_MS = 5 * 60_000;
/** Hidden this long with no fix: the system has most likely stopped location for the page. */
export const BACKGROUND_MS = 60_000;
/** No connection this long: the officer has not seen the caller move for a while. */
export const OFFLINE_MS = 2 * 60_000;

export interface TrackingStatus {
  stopped: TrackingStopReason | null;
  /** When it stopped, or when it (re)started. */
  since: number;
}

/**
 * Decides, from what the page sees, whether location tracking has stopped and why. Plain
 * state with an injected clock, so the rules are tested without a phone. Causes rank:
 * a refusal, then the background, then the connection, then a long gap in fixes.
 */
export class TrackingMonitor {
  #startedAt: number;
  #lastFix: number | null = null;
  #deniedAt: number | null = null;
  #hiddenAt: number | null = null;
  #backgroundSince: number | null = null;
  #downAt: number | null = null;
  #status: TrackingStatus;

  constructor(private readonly now: () => number) {
    this.#startedAt = now();
    this.#status = { stopped: null, since: this.#startedAt };
  }

  fix(): void {
    this.#lastFix = this.now();
    this.#deniedAt = null;
    this.#backgroundSince = null;
  }

  denied(): void {
    this.#deniedAt ??= this.now();
  }

  visible(isVisible: boolean): void {
    const now = this.now();
    if (!isVisible) {
      this.#hiddenAt ??= now;
      return;
    }
    // Back on screen: if no fix came while hidden for long, the system stopped location;
    // that stays said until a fix arrives.
    const gapFrom = this.#gapFrom();
    if (this.#hiddenAt !== null && now - gapFrom > BACKGROUND_MS) this.#backgroundSince = gapFrom;
    this.#hiddenAt = null;
  }

  link(up: boolean): void {
    if (up) this.#downAt = null;
    else this.#downAt ??= this.now();
  }

  /** The status now; `changed` is true when it differs from what the last call returned. */
  check(): { status: TrackingStatus; changed: boolean } {
    const now = this.now();
    const gapFrom = this.#gapFrom();
    let next: TrackingStatus | null = null;
    if (this.#deniedAt !== null) next = { stopped: 'denied', since: this.#deniedAt };
    else if (this.#backgroundSince !== null) next = { stopped: 'background', since: this.#backgroundSince };
    else if (this.#hiddenAt !== null && now - gapFrom > BACKGROUND_MS)
      next = { stopped: 'background', since: gapFrom };
    else if (this.#downAt !== null && now - this.#downAt > OFFLINE_MS)
      next = { stopped: 'offline', since: this.#downAt };
    else if (now - gapFrom > NO_FIX_MS) next = { stopped: 'no-fix', since: gapFrom };
    const before = this.#status;
    if (next === null) {
      if (before.stopped === null) return { status: before, changed: false };
      this.#status = { stopped: null, since: now };
      return { status: this.#status, changed: true };
    }
    if (next.stopped === before.stopped) return { status: before, changed: false };
    this.#status = next;
    return { status: next, changed: true };
  }

  /** Since when no fix has come: the last fix, or when the page was hidden or began. */
  #gapFrom(): number {
    return Math.max(this.#lastFix ?? this.#startedAt, this.#hiddenAt ?? 0);
  }
}
