import type { MediaPlaneStatus } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { JanusConnection } from '../adapters/janus/janus-connection.js';
import type { JanusSupervisor } from '../adapters/janus/janus-supervisor.js';
import type { Logger } from '../lib/logger.js';
import { TypedEmitter } from '../lib/typed-emitter.js';

export interface MediaPlaneEvents {
  status: (status: MediaPlaneStatus) => void;
}

/**
 * Health of the media server as officers should see it: up, down (with why),
 * and how many times it has been restarted since we started.
 */
export class MediaPlane extends TypedEmitter<MediaPlaneEvents> {
  #status: MediaPlaneStatus;

  constructor(
    connection: JanusConnection,
    supervisor: JanusSupervisor | null,
    private readonly clock: Clock,
    log: Logger,
  ) {
    super();
    this.#status = {
      state: 'starting',
      since: clock.now(),
      restarts: 0,
      lastError: null,
      managed: supervisor !== null,
    };
    connection.on('connected', () => this.set({ state: 'up' }));
    connection.on('disconnected', (reason) => {
      if (this.#status.state === 'down') return; // the supervisor already said why
      this.set({ state: 'down', lastError: `Lost the connection to the media server (${reason}).` });
    });
    supervisor?.on('exited', (info) => {
      const how = info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
      const message = `Media server stopped unexpectedly (${how}); restarting in ${info.restartInMs} ms. Live video will resume when callers reconnect.`;
      log.error({ how }, message);
      this.set({ state: 'down', lastError: message, restarts: this.#status.restarts + 1 });
    });
  }

  get status(): MediaPlaneStatus {
    return this.#status;
  }

  private set(patch: Partial<MediaPlaneStatus>): void {
    const changedState = patch.state !== undefined && patch.state !== this.#status.state;
    this.#status = { ...this.#status, ...patch, ...(changedState ? { since: this.clock.now() } : {}) };
    this.safeEmit('status', this.#status);
  }
}
