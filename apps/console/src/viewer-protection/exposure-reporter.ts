import {
  type ExposureInterval,
  type ExposureKind,
  MAX_EXPOSURE_BATCH,
  MAX_EXPOSURE_SPAN_MS,
} from '@sightline/protocol';
import { ExposureMeter } from './exposure-meter.js';

/** What a view shows: live video of a session, or a recording of it. */
export interface ExposureTarget {
  sessionId: string;
  kind: ExposureKind;
  itemId?: string | undefined;
}

export interface ExposureReporterDeps {
  /** Posts intervals; rejects with `{ status }` when the server refused or did not answer (status 0). */
  send(intervals: ExposureInterval[], opts: { keepalive: boolean }): Promise<void>;
  /** The reporting interval (the force's setting, which arrives after sign-in). */
  intervalMs(): number;
  now?: () => number;
  newId?: () => string;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

/** Intervals kept for retry at most (a long outage loses the oldest, not the page). */
const MAX_PENDING = 512;

/**
 * Reports every view's footage seen clearly to the server: one batch per interval for the
 * whole page (a wall of 16 tiles sends one request, not 16), another when a view stops, and
 * one with `keepalive` when the page is hidden or closed, which the browser finishes after
 * the tab has gone. Each interval gets its id once and keeps it through retries, so the
 * server counts it once. What can be lost: an interval whose last send fails as the tab closes.
 *
 * Exposure is wall-clock time per officer: while several views are seen clearly at once (two
 * wall tiles), each moment is split equally between them, so the intervals add up to the time
 * the officer spent watching, not that time multiplied by the number of tiles.
 */
export class ExposureReporter {
  readonly #views = new Map<ExposureMeter, ExposureTarget>();
  /** Each view's share of the wall-clock time seen clearly, not yet reported (ms, fractional). */
  readonly #credit = new Map<ExposureMeter, number>();
  #settledAt: number;
  #pending: ExposureInterval[] = [];
  #inFlight: ExposureInterval[] = [];
  #timer: unknown = null;
  #visible = true;
  /** Bumped when the officer changes: a late answer for the last officer's batch is ignored. */
  #generation = 0;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;

  constructor(private readonly deps: ExposureReporterDeps) {
    this.#now = deps.now ?? Date.now;
    this.#newId = deps.newId ?? (() => crypto.randomUUID());
    this.#setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#settledAt = this.#now();
  }

  /** Starts measuring a view; `stop` reports what is left of it at once. */
  track(target: ExposureTarget): { meter: ExposureMeter; stop: () => void } {
    this.settle();
    // Time up to a change of what is seen is shared out before the change.
    const meter = new ExposureMeter(this.#now, () => this.settle());
    meter.setVisible(this.#visible);
    this.#views.set(meter, target);
    this.#credit.set(meter, 0);
    this.schedule();
    return {
      meter,
      stop: () => {
        if (!this.#views.has(meter)) return;
        this.collect(meter, target);
        this.#views.delete(meter);
        this.#credit.delete(meter);
        void this.send(false);
      },
    };
  }

  /** The page was hidden or shown: hidden footage is not seen, and hiding may be the tab closing. */
  setVisible(visible: boolean): void {
    this.#visible = visible;
    if (!visible) void this.flush();
    for (const m of this.#views.keys()) m.setVisible(visible);
  }

  /**
   * Sends everything now with keepalive (the page is going away, or hidden and may be, or the
   * officer is signing out); resolves when every batch has been answered or has failed.
   */
  flush(): Promise<void> {
    for (const [m, t] of this.#views) this.collect(m, t);
    // What is in flight may never be answered now: send it again; its ids make that harmless.
    const all = [...this.#inFlight, ...this.#pending.splice(0)];
    const generation = this.#generation;
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < all.length; i += MAX_EXPOSURE_BATCH) {
      const batch = all.slice(i, i + MAX_EXPOSURE_BATCH);
      // If the page lives on and this failed, the next heartbeat tries again with the same ids.
      sends.push(
        this.deps.send(batch, { keepalive: true }).catch((err: unknown) => {
          if (retryable(err) && generation === this.#generation) this.#pending.unshift(...batch);
        }),
      );
    }
    return Promise.all(sends).then(() => {});
  }

  /**
   * Another officer (or nobody) is signed in now: what was measured for the last one can no
   * longer be sent as theirs, and must never be sent as the next one's. Drops it all; views
   * still open start counting again from now.
   */
  reset(): void {
    this.#generation++;
    this.#pending = [];
    this.#inFlight = [];
    this.settle();
    for (const m of this.#views.keys()) {
      m.take();
      this.#credit.set(m, 0);
    }
  }

  /** Intervals waiting to be sent (for tests and the account page's honesty). */
  get pending(): readonly ExposureInterval[] {
    return this.#pending;
  }

  /** One tick of the heartbeat: collect every view, send. */
  async tick(): Promise<void> {
    this.#timer = null;
    for (const [m, t] of this.#views) this.collect(m, t);
    await this.send(false);
    this.schedule();
  }

  private schedule(): void {
    if (this.#timer !== null || (this.#views.size === 0 && this.#pending.length === 0)) return;
    this.#timer = this.#setTimer(() => void this.tick(), this.deps.intervalMs());
  }

  /** Shares the wall-clock time since the last settle between the views seen clearly in it. */
  private settle(): void {
    const now = this.#now();
    const elapsed = now - this.#settledAt;
    this.#settledAt = now;
    if (elapsed <= 0) return;
    const seeing = [...this.#views.keys()].filter((m) => m.seeing);
    for (const m of seeing) this.#credit.set(m, (this.#credit.get(m) ?? 0) + elapsed / seeing.length);
  }

  private collect(meter: ExposureMeter, target: ExposureTarget): void {
    this.settle();
    const { spanMs } = meter.take();
    // Whole milliseconds go out; the fraction of a shared moment waits for the next interval.
    const credit = this.#credit.get(meter) ?? 0;
    const seenMs = Math.floor(credit + 1e-6);
    this.#credit.set(meter, Math.max(0, credit - seenMs));
    if (seenMs < 1) return;
    // A tick the browser delayed (a frozen tab) cannot make an interval the server refuses.
    const seen = Math.min(seenMs, MAX_EXPOSURE_SPAN_MS);
    this.#pending.push({
      id: this.#newId(),
      sessionId: target.sessionId,
      kind: target.kind,
      ...(target.itemId ? { itemId: target.itemId } : {}),
      seenMs: seen,
      spanMs: Math.min(Math.max(spanMs, seen), MAX_EXPOSURE_SPAN_MS),
    });
    if (this.#pending.length > MAX_PENDING) this.#pending.splice(0, this.#pending.length - MAX_PENDING);
  }

  private async send(keepalive: boolean): Promise<void> {
    if (this.#inFlight.length > 0 || this.#pending.length === 0) return;
    const batch = this.#pending.splice(0, MAX_EXPOSURE_BATCH);
    const generation = this.#generation;
    this.#inFlight = batch;
    try {
      await this.deps.send(batch, { keepalive });
    } catch (err) {
      if (retryable(err) && generation === this.#generation) this.#pending.unshift(...batch);
    } finally {
      if (generation === this.#generation) this.#inFlight = [];
    }
    if (this.#pending.length > 0 && this.#views.size === 0) this.schedule();
  }
}

/** Refused as invalid or signed out: sending again cannot help. No answer, busy or a server fault: it can. */
function retryable(err: unknown): boolean {
  const status = (err as { status?: number }).status ?? 0;
  return status === 0 || status === 429 || status >= 500;
}
