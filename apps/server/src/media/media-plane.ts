import type { MediaPlaneStatus } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { JanusSupervisor } from '../adapters/janus/janus-supervisor.js';
import type { EventPublisher } from '../events/event-bus.js';
import type { Logger } from '../lib/logger.js';
import type { MediaNodes } from './nodes/media-nodes.js';

/**
 * Health of the media server as officers should see it: up, down (with why),
 * and how many times it has been restarted since we started. With several media
 * nodes it is up while any node is, and a lost node is named in lastError. Each change is
 * published as `media.status`, for this instance's consoles (a local event).
 */
export class MediaPlane {
  #status: MediaPlaneStatus;

  constructor(
    private readonly nodes: MediaNodes,
    supervisor: JanusSupervisor | null,
    private readonly clock: Clock,
    log: Logger,
    private readonly events: EventPublisher,
  ) {
    this.#status = {
      state: 'starting',
      since: clock.now(),
      restarts: 0,
      lastError: null,
      managed: supervisor !== null,
    };
    nodes.on('nodeUp', () => this.set({ state: 'up' }));
    nodes.on('nodeDown', (node, reason) => {
      if (this.nodes.all().length > 1) {
        const others = this.nodes.healthy().length > 0;
        this.set({
          state: others ? 'up' : 'down',
          lastError: `Lost media node ${node.id} (${reason}). ${others ? 'Its callers are reconnecting to another node.' : 'No media node is reachable.'}`,
        });
        return;
      }
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
    this.events.publish('media.status', { status: this.#status });
  }
}
