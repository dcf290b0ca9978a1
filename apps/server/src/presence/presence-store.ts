import type { Watcher } from '@sightline/protocol';

/** One console watching one session, as an instance reports it. */
export interface PresenceEntry extends Watcher {
  sessionId: string;
}

/**
 * Where each instance puts the watchers of its own consoles, so every instance can read
 * them all. An instance replaces its whole list on each change and renews it on a
 * heartbeat; a list that is not renewed (its instance died) stops counting after a TTL,
 * so a crash leaves no ghost watchers.
 */
export interface PresenceStore {
  /** Replaces this instance's entries (and renews their lease). */
  put(instanceId: string, entries: readonly PresenceEntry[]): Promise<void>;
  /** Every live instance's entries. */
  all(): Promise<PresenceEntry[]>;
  /** Withdraws this instance's entries (it is shutting down). */
  remove(instanceId: string): Promise<void>;
}

/** The one-instance store: this process's list is all there is. */
export class MemoryPresenceStore implements PresenceStore {
  readonly #lists = new Map<string, readonly PresenceEntry[]>();

  async put(instanceId: string, entries: readonly PresenceEntry[]): Promise<void> {
    this.#lists.set(instanceId, entries);
  }

  async all(): Promise<PresenceEntry[]> {
    return [...this.#lists.values()].flat();
  }

  async remove(instanceId: string): Promise<void> {
    this.#lists.delete(instanceId);
  }
}
