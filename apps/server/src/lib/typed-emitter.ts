import { EventEmitter } from 'node:events';

// biome-ignore lint/suspicious/noExplicitAny: listener argument lists are checked per event map
type Listener = (...args: any[]) => void;

/**
 * EventEmitter with a typed event map. `safeEmit` logs a listener's exception
 * instead of throwing it into the emitter (as mediasoup does): one buggy
 * listener must not break the media or evidence path of another.
 */
export class TypedEmitter<Events extends { [K in keyof Events]: Listener }> {
  readonly #emitter = new EventEmitter();

  constructor(private readonly onListenerError: (event: string, error: unknown) => void = defaultReport) {
    this.#emitter.setMaxListeners(0);
  }

  on<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    this.#emitter.on(event, listener);
    return this;
  }

  once<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    this.#emitter.once(event, listener);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: Events[K]): this {
    this.#emitter.off(event, listener);
    return this;
  }

  protected safeEmit<K extends keyof Events & string>(event: K, ...args: Parameters<Events[K]>): void {
    for (const listener of this.#emitter.listeners(event)) {
      try {
        (listener as Listener)(...args);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }

  protected removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}

function defaultReport(event: string, error: unknown): void {
  console.error(`listener for "${event}" threw`, error);
}
