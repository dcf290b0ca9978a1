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
 */
export class ExposureReporter {
  readonly #views = new Map<ExposureMeter, ExposureTarget>();
  #pending: ExposureInterval[] = [];
  #inFlight: ExposureInterval[] = [];
  #timer: unknown = null;
  #visible = true;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;

  constructor(private readonly deps: ExposureReporterDeps) {
    this.#now = deps.now ?? Date.now;
    this.#newId = deps.newId ?? (() => crypto.randomUUID());
    this.#setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  }

  /** Starts measuring a view; `stop` reports what is left of it at once. */
  track(target: ExposureTarget): { meter: ExposureMeter; stop: () => void } {
    const meter = new ExposureMeter(this.#now);
    meter.setVisible(this.#visible);
    this.#views.set(meter, target);
    this.schedule();
    return {
      meter,
      stop: () => {
        if (!this.#views.has(meter)) return;
        this.collect(meter, target);
        this.#views.delete(meter);
        void this.send(false);
      },
    };
  }

  /** The page was hidden or shown: hidden footage is not seen, and hiding may be the tab closing. */
  setVisible(visible: boolean): void {
    this.#visible = visible;
    if (!visible) this.flush();
    for (const m of this.#views.keys()) m.setVisible(visible);
  }

  /** Sends everything now with keepalive (the page is going away, or hidden and may be). */
  flush(): void {
    for (const [m, t] of this.#views) this.collect(m, t);
    // What is in flight may never be answered now: send it again; its ids make that harmless.
    const all = [...this.#inFlight, ...this.#pending.splice(0)];
    for (let i = 0; i < all.length; i += MAX_EXPOSURE_BATCH) {
      const batch = all.slice(i, i + MAX_EXPOSURE_BATCH);
      // If the page lives on and this failed, the next heartbeat tries again with the same ids.
      this.deps.send(batch, { keepalive: true }).catch((err: unknown) => {
        if (retryable(err)) this.#pending.unshift(...batch);
      });
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

  private collect(meter: ExposureMeter, target: ExposureTarget): void {
    const { seenMs, spanMs } = meter.take();
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
    this.#inFlight = batch;
    try {
      await this.deps.send(batch, { keepalive });
    } catch (err) {
      if (retryable(err)) this.#pending.unshift(...batch);
    } finally {
      this.#inFlight = [];
    }
    if (this.#pending.length > 0 && this.#views.size === 0) this.schedule();
  }
}

/** Refused as invalid or signed out: sending again cannot help. No answer, busy or a server fault: it can. */
function retryable(err: unknown): boolean {
  const status = (err as { status?: number }).status ?? 0;
  return status === 0 || status === 429 || status >= 500;
}
