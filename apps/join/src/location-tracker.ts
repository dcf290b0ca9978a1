import type { LocationFix } from '@sightline/protocol';
import { FixStore } from './fix-store.js';
import { watchLocation } from './location.js';
import type { Signalling } from './signalling.js';
import { TrackingMonitor, type TrackingStatus } from './tracking-monitor.js';
import { keepScreenOn } from './wake-lock.js';

/** How often the monitor is asked, and unconfirmed fixes are sent again. */
const TICK_MS = 10_000;
/** Unconfirmed fixes sent per tick: the server's steady allowance is 2 a second. */
const PER_TICK = 20;
/** Sent at once on (re)connecting or resuming: well inside the server's burst allowances. */
const ON_CONNECT = 100;
/** A fix sent this recently is awaiting its acknowledgement, not lost. */
const AWAITING_MS = 15_000;
/** A fix this recent means location works: a restarted watch need not prove it again. */
const RECENT_FIX_MS = 60_000;

export interface TrackerCallbacks {
  onFix(fix: LocationFix): void;
  onError(kind: 'denied' | 'unavailable'): void;
}

/**
 * Location for hours: the watch itself (location.ts), the device copy of every fix
 * (fix-store.ts) sent again until the server confirms it, the screen kept on for a
 * location-only link, a restart after the page was in the background, and the caller's and
 * officer's "tracking stopped" (tracking-monitor.ts).
 */
export class LocationTracker {
  // Made when sharing starts: time on the consent screen (hidden or not) is no gap in tracking.
  #monitor = new TrackingMonitor(() => Date.now());
  readonly #sentAt = new Map<number, number>();
  #store: Promise<FixStore | null> | null = null;
  #stopWatch: (() => void) | null = null;
  #releaseScreen: (() => void) | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #linkUp = false;
  /** The phone keeps every fix until confirmed: fixes are then sent again from there, not queued. */
  #deviceCopy = false;
  #lastFixAt = Number.NEGATIVE_INFINITY;
  #watch: { batteryAware: boolean; cb: TrackerCallbacks } | null = null;

  constructor(
    private readonly token: string,
    private readonly signalling: () => Signalling | null,
    /** The monitor's verdict changed: show it, say it. */
    private readonly onStatus: (status: TrackingStatus) => void,
  ) {}

  /** Opens the device copy early: what a previous page on this link left unsent goes out on connecting. */
  openDeviceCopy(): void {
    this.#store ??= FixStore.open(this.token).then((store) => {
      this.#deviceCopy = store !== null;
      return store;
    });
  }

  /** Starts (or restarts) the watch; a location-only link also keeps the screen on. */
  start(batteryAware: boolean, cb: TrackerCallbacks): void {
    this.openDeviceCopy();
    const restart = this.#watch !== null;
    if (!restart) this.#monitor = new TrackingMonitor(() => Date.now());
    this.#watch = { batteryAware, cb };
    this.#stopWatch?.();
    // A restart, or a fix within the last minute: a slow GPS warm-up is no failure to report.
    const expectAnswer = !restart && Date.now() - this.#lastFixAt > RECENT_FIX_MS;
    this.#stopWatch = watchLocation(
      (fix) => {
        this.#lastFixAt = Date.now();
        this.#monitor.fix();
        cb.onFix(fix);
        void this.#store?.then((s) => s?.add(fix)).catch(() => {});
        this.#send(fix);
        this.#check();
      },
      (kind) => {
        if (kind === 'denied') this.#monitor.denied();
        cb.onError(kind);
        this.#check();
      },
      { batteryAware, expectAnswer },
    );
    if (batteryAware) this.#releaseScreen ??= keepScreenOn();
    this.#timer ??= setInterval(() => {
      this.#check();
      void this.#resend(PER_TICK);
    }, TICK_MS);
  }

  /**
   * The page is on screen again, or back online: the system may have stopped the watch while
   * it was hidden, so it starts afresh, and what was kept on the phone is sent.
   */
  resume(): void {
    if (this.#watch) {
      this.#monitor.visible(document.visibilityState !== 'hidden');
      if (document.visibilityState !== 'hidden') this.start(this.#watch.batteryAware, this.#watch.cb);
    }
    this.#check();
    void this.#resend(ON_CONNECT);
  }

  /** The page was hidden: the monitor times how long. */
  hidden(): void {
    if (this.#watch) this.#monitor.visible(false); // no watch yet: nothing to stop
  }

  /** The signalling connection came up or went down. */
  link(up: boolean): void {
    this.#linkUp = up;
    this.#monitor.link(up);
    this.#check();
    if (!up) return;
    // An acknowledgement answers on the connection its fix went on. A fix still unconfirmed
    // when a new one opens went on a socket now gone (after a change of network the old one
    // may have looked open for a second or two), so it is sent again now, not AWAITING_MS later.
    this.#sentAt.clear();
    void this.#resend(ON_CONNECT);
  }

  /** The server acknowledged a fix (stored now or before). */
  stored(fixTime: number): void {
    this.#sentAt.delete(fixTime);
    void this.#store?.then((s) => s?.confirm(fixTime)).catch(() => {});
  }

  /** Stops tracking; lets the screen sleep. The device copy stays until `purge`. */
  stop(): void {
    this.#stopWatch?.();
    this.#stopWatch = null;
    this.#watch = null;
    this.#releaseScreen?.();
    this.#releaseScreen = null;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** The session is over: the server takes no more fixes, so the phone keeps none (privacy). */
  async purge(): Promise<void> {
    this.openDeviceCopy();
    const store = await this.#store?.catch(() => null);
    await store?.purge().catch(() => {});
  }

  #send(fix: LocationFix): void {
    // With a device copy, a fix the socket cannot take now goes later from the copy; without
    // one, Signalling queues it with its own fix time while the phone is offline.
    const went = this.signalling()?.send({ type: 'location.fix', fix }, this.#deviceCopy ? 'drop' : 'queue');
    if (went) this.#sentAt.set(fix.fixTime, Date.now());
  }

  async #resend(limit: number): Promise<void> {
    if (!this.#linkUp) return;
    const store = await this.#store?.catch(() => null);
    if (!store) return;
    const now = Date.now();
    const waiting = (await store.unconfirmed(limit + this.#sentAt.size).catch(() => [])).filter(
      (f) => now - (this.#sentAt.get(f.fixTime) ?? 0) > AWAITING_MS,
    );
    for (const fix of waiting.slice(0, limit)) this.#send(fix);
  }

  #check(): void {
    if (!this.#watch) return; // before consent, or after the end, there is nothing to tell
    const { status, changed } = this.#monitor.check();
    if (!changed) return;
    this.onStatus(status);
    this.signalling()?.send({ type: 'location.status', stopped: status.stopped, since: status.since });
  }
}
