import type { Watcher } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../lib/logger.js';
import type { PresenceEntry, PresenceStore } from './presence-store.js';

/** How often an instance renews its list and reads everyone's (a dead instance's list expires meanwhile). */
export const PRESENCE_HEARTBEAT_MS = 5_000;

type ChangeListener = (sessionId: string, watchers: readonly Watcher[]) => void;

/**
 * Who watches each session, across every instance. Each instance records its own consoles'
 * watches (by connection: one officer may have two consoles open), writes them to the shared
 * store, and announces `presence.changed`; every instance then reads the store and tells its
 * consoles about the sessions whose watchers changed. The heartbeat renews this instance's
 * list and reads again, which is how the watchers of an instance that died disappear.
 * Presence is live state, never evidence: it is not stored in the database or audited.
 */
export class PresenceRegistry {
  /** Connection id → session id → the watch it made. */
  readonly #local = new Map<string, Map<string, PresenceEntry>>();
  /** The merged view last read from the store: session id → watchers, earliest first. */
  #known = new Map<string, Watcher[]>();
  readonly #listeners = new Set<ChangeListener>();
  #timer: NodeJS.Timeout | null = null;
  #refreshing: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  readonly #off: () => void;

  constructor(
    private readonly store: PresenceStore,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.#off = events.subscribe('presence.changed', () => this.refresh());
  }

  /** Hears every change of a session's watchers (as merged across instances). */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A console connection started watching a session. */
  async join(connId: string, sessionId: string, officer: { id: string; name: string }): Promise<void> {
    const watches = this.#local.get(connId) ?? new Map<string, PresenceEntry>();
    this.#local.set(connId, watches);
    if (watches.has(sessionId)) return;
    watches.set(sessionId, { sessionId, officerId: officer.id, name: officer.name, since: this.clock.now() });
    await this.changed([sessionId]);
  }

  /** A console connection stopped watching a session. */
  async leave(connId: string, sessionId: string): Promise<void> {
    if (!this.#local.get(connId)?.delete(sessionId)) return;
    await this.changed([sessionId]);
  }

  /** A console connection closed: every watch it made ends. */
  async drop(connId: string): Promise<void> {
    const watches = this.#local.get(connId);
    this.#local.delete(connId);
    if (watches?.size) await this.changed([...watches.keys()]);
  }

  /** The session's watchers as last read (earliest first); empty when none. */
  watchers(sessionId: string): readonly Watcher[] {
    return this.#known.get(sessionId) ?? [];
  }

  /** Every session that has watchers, as last read. */
  snapshot(): ReadonlyMap<string, readonly Watcher[]> {
    return this.#known;
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      void this.publish().then(() => this.refresh());
    }, PRESENCE_HEARTBEAT_MS);
    this.#timer.unref();
  }

  /** Withdraws this instance's watchers, so the others stop showing them at once. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#off();
    const sessions = new Set([...this.#local.values()].flatMap((w) => [...w.keys()]));
    this.#local.clear();
    await this.store.remove(this.events.instanceId).catch(() => {});
    for (const sessionId of sessions) this.events.publish('presence.changed', { sessionId });
  }

  /** Reads every instance's watchers and tells listeners which sessions changed; runs one at a time. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      // A change arrived while reading: read once more afterwards, so the last word is never missed.
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        try {
          this.apply(merge(await this.store.all()));
        } catch (err) {
          this.log.debug({ err }, 'presence: reading the shared list failed; the heartbeat retries');
        }
      } while (this.#again);
    })().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  private async changed(sessionIds: readonly string[]): Promise<void> {
    if (this.#stopped) return;
    await this.publish();
    // Every instance (this one included) reads the store again on this event.
    for (const sessionId of sessionIds) this.events.publish('presence.changed', { sessionId });
    // Our own read is awaited, so a console that just joined is told the list that includes it.
    await this.refresh();
  }

  private async publish(): Promise<void> {
    if (this.#stopped) return;
    const entries = [...this.#local.values()].flatMap((w) => [...w.values()]);
    try {
      await this.store.put(this.events.instanceId, entries);
    } catch (err) {
      this.log.warn({ err }, 'presence: the shared list did not take our watchers; the heartbeat retries');
    }
  }

  private apply(next: Map<string, Watcher[]>): void {
    const before = this.#known;
    this.#known = next;
    for (const id of new Set([...before.keys(), ...next.keys()])) {
      const now = next.get(id) ?? [];
      if (sameWatchers(before.get(id) ?? [], now)) continue;
      for (const l of [...this.#listeners]) {
        try {
          l(id, now);
        } catch (err) {
          this.log.error({ err, sessionId: id }, 'presence: a listener failed');
        }
      }
    }
  }
}

/**
 * Groups entries by session, one watcher per officer (their earliest watch: one officer with
 * the session on two screens is one person watching), earliest first.
 */
export function merge(entries: readonly PresenceEntry[]): Map<string, Watcher[]> {
  const bySession = new Map<string, Map<string, Watcher>>();
  for (const e of entries) {
    const officers = bySession.get(e.sessionId) ?? new Map<string, Watcher>();
    bySession.set(e.sessionId, officers);
    const had = officers.get(e.officerId);
    if (!had || e.since < had.since)
      officers.set(e.officerId, { officerId: e.officerId, name: e.name, since: e.since });
  }
  const out = new Map<string, Watcher[]>();
  for (const [id, officers] of bySession) {
    out.set(
      id,
      [...officers.values()].sort((a, b) => a.since - b.since || a.officerId.localeCompare(b.officerId)),
    );
  }
  return out;
}

function sameWatchers(a: readonly Watcher[], b: readonly Watcher[]): boolean {
  return (
    a.length === b.length &&
    a.every((w, i) => w.officerId === b[i]?.officerId && w.since === b[i]?.since && w.name === b[i]?.name)
  );
}
