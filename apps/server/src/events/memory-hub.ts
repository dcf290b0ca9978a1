import type { BusTransport, EventBusHealth } from './event-bus.js';

/**
 * Several buses in one process, joined as Redis joins instances (unit tests). `down()`
 * makes the hub drop what is sent, as a lost connection would without a queue.
 */
export class MemoryHub {
  readonly #members = new Set<(envelope: string) => void>();
  #up = true;

  transport(): BusTransport {
    let receive: (envelope: string) => void = () => {};
    const deliver = (e: string) => receive(e);
    const hub = this;
    return {
      send(envelope) {
        if (!hub.#up) return;
        // Asynchronous, as over a network: a publisher never waits for remote subscribers.
        for (const member of hub.#members) if (member !== deliver) queueMicrotask(() => member(envelope));
      },
      listen(r) {
        receive = r;
      },
      async start() {
        hub.#members.add(deliver);
      },
      async stop() {
        hub.#members.delete(deliver);
      },
      health(): EventBusHealth {
        return {
          backend: 'redis',
          state: hub.#up ? 'up' : 'down',
          since: 0,
          lastError: null,
          queued: 0,
          dropped: 0,
        };
      },
    };
  }

  down(): void {
    this.#up = false;
  }

  up(): void {
    this.#up = true;
  }
}
