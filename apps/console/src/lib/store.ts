type Listener = () => void;

/**
 * A minimal observable value. All console state lives in stores like this,
 * outside React, so it can be driven and tested without a DOM; components
 * only subscribe (see use-store.ts) and render.
 */
export class Store<T> {
  #state: T;
  readonly #listeners = new Set<Listener>();

  constructor(initial: T) {
    this.#state = initial;
    // Bound once so React can hold them as stable callbacks (useSyncExternalStore).
    this.get = this.get.bind(this);
    this.subscribe = this.subscribe.bind(this);
  }

  /** The current value; the same object until it changes, as useSyncExternalStore requires. */
  get(): T {
    return this.#state;
  }

  /** Replaces the value (or derives it from the current one); listeners run only on a real change. */
  set(next: T | ((current: T) => T)): void {
    const value = typeof next === 'function' ? (next as (current: T) => T)(this.#state) : next;
    if (Object.is(value, this.#state)) return;
    this.#state = value;
    for (const l of [...this.#listeners]) {
      try {
        l();
      } catch (err) {
        // One broken view must not stop the others from updating.
        console.error('store listener failed', err);
      }
    }
  }

  /** Shallow-merges a patch into an object value. */
  patch(patch: Partial<T>): void {
    const cur = this.#state;
    const changed = Object.keys(patch).some(
      (k) => !Object.is((patch as Record<string, unknown>)[k], (cur as Record<string, unknown>)[k]),
    );
    if (changed) this.set({ ...cur, ...patch });
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}

/**
 * "Now", ticking once a second while anyone is listening. Fix ages and list
 * timestamps read it, so the whole page agrees on one clock and nothing ticks
 * when no one is looking.
 */
export class Ticker extends Store<number> {
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly periodMs = 1000,
  ) {
    super(now());
  }

  override subscribe(listener: Listener): () => void {
    const off = super.subscribe(listener);
    if (!this.#timer) {
      this.set(this.now());
      this.#timer = setInterval(() => this.set(this.now()), this.periodMs);
    }
    return () => {
      off();
      if (this.listenerCount === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    };
  }
}
