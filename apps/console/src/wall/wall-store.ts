import type { ReceivedFix } from '@sightline/protocol';
import { Store } from '../lib/store.js';
import type { SessionListStore } from '../sessions/session-list.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import { type CallerQuality, newerFix, type WallTile, wallSessions } from './wall-model.js';

interface WallState {
  tiles: WallTile[];
}

type WallSocket = Pick<ConsoleSocket, 'onMessage' | 'watch' | 'unwatch'>;

/**
 * The live wall's state: every session on the wall (from the session list, which the
 * server keeps current), each watched over the socket for its quality reports and fixes.
 * Only what a tile shows is kept: no timeline, chat or evidence, which is what makes
 * sixteen tiles cheap next to sixteen session pages. Sessions that leave the wall
 * (ended, expired) are unwatched at once.
 */
export class WallStore extends Store<WallState> {
  readonly #quality = new Map<string, CallerQuality>();
  readonly #fixes = new Map<string, ReceivedFix>();
  readonly #watched = new Set<string>();
  readonly #off: Array<() => void> = [];

  constructor(
    private readonly sessions: SessionListStore,
    private readonly socket: WallSocket,
  ) {
    super({ tiles: [] });
  }

  start(): void {
    this.#off.push(
      this.sessions.subscribe(() => this.sync()),
      this.socket.onMessage((msg) => {
        if (msg.type === 'caller.quality' && this.#watched.has(msg.sessionId)) {
          this.#quality.set(msg.sessionId, { level: msg.level, kbps: msg.kbps });
          this.sync();
        } else if (msg.type === 'location.fix' && this.#watched.has(msg.sessionId)) {
          const had = this.#fixes.get(msg.sessionId) ?? null;
          if (newerFix(had, msg.fix) !== had) {
            this.#fixes.set(msg.sessionId, msg.fix);
            this.sync();
          }
        }
      }),
    );
    if (this.sessions.get().status === 'idle') void this.sessions.load();
    this.sync();
  }

  dispose(): void {
    for (const off of this.#off.splice(0)) off();
    for (const id of this.#watched) this.socket.unwatch(id);
    this.#watched.clear();
  }

  private sync(): void {
    const list = wallSessions(this.sessions.get().sessions);
    const ids = new Set(list.map((s) => s.id));
    for (const id of ids) {
      if (this.#watched.has(id)) continue;
      this.#watched.add(id);
      this.socket.watch(id);
    }
    for (const id of [...this.#watched]) {
      if (ids.has(id)) continue;
      this.#watched.delete(id);
      this.#quality.delete(id);
      this.#fixes.delete(id);
      this.socket.unwatch(id);
    }
    const prev = new Map(this.get().tiles.map((t) => [t.session.id, t]));
    let changed = prev.size !== list.length;
    const tiles = list.map((session, i) => {
      const quality = this.#quality.get(session.id) ?? null;
      const fix = newerFix(session.lastFix, this.#fixes.get(session.id) ?? null);
      const old = prev.get(session.id);
      // Unchanged tiles keep their object, so React leaves them alone.
      if (old && old.session === session && old.quality === quality && old.fix === fix) {
        if (this.get().tiles[i] !== old) changed = true;
        return old;
      }
      changed = true;
      return { session, quality, fix };
    });
    if (changed) this.set({ tiles });
  }
}
