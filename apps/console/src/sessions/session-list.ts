import type { SessionSummary } from '@sightline/protocol';
import type { ApiClient } from '../api/api-client.js';
import { errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/** Newest first; ties (same millisecond) by id so the order never flickers. */
export function compareNewestFirst(a: SessionSummary, b: SessionSummary): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Inserts or replaces one session, keeping the list newest first. */
export function applySessionUpdate(list: readonly SessionSummary[], s: SessionSummary): SessionSummary[] {
  const i = list.findIndex((x) => x.id === s.id);
  if (i >= 0) {
    const next = list.slice();
    next[i] = s;
    return next;
  }
  return [...list, s].sort(compareNewestFirst);
}

/**
 * Replaces the list with a fresh fetch, but keeps any session that a live
 * update told us about after the fetch started (it is newer than the snapshot).
 */
export function mergeSnapshot(
  snapshot: readonly SessionSummary[],
  liveSince: ReadonlyMap<string, SessionSummary>,
): SessionSummary[] {
  let list = snapshot.slice().sort(compareNewestFirst);
  for (const s of liveSince.values()) list = applySessionUpdate(list, s);
  return list;
}

export interface SessionListState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  sessions: SessionSummary[];
}

/**
 * The live session list: loaded over HTTP, then kept current by every
 * `session.updated` the server broadcasts, and reloaded after a reconnect
 * (updates sent while we were away are lost).
 */
export class SessionListStore extends Store<SessionListState> {
  #liveDuringLoad: Map<string, SessionSummary> | null = null;
  #loadSeq = 0;

  constructor(private readonly api: ApiClient) {
    super({ status: 'idle', error: null, sessions: [] });
  }

  /** Wires the store to the socket; returns the function that unwires it. */
  connect(socket: ConsoleSocket): () => void {
    const offMsg = socket.onMessage((msg) => {
      if (msg.type === 'session.updated') this.upsert(msg.session);
    });
    const offRe = socket.onReconnected(() => {
      if (this.get().status !== 'idle') void this.load();
    });
    return () => {
      offMsg();
      offRe();
    };
  }

  async load(): Promise<void> {
    const seq = ++this.#loadSeq;
    this.#liveDuringLoad = new Map();
    this.patch({ status: this.get().sessions.length ? 'ready' : 'loading', error: null });
    try {
      const snapshot = await this.api.sessions();
      if (seq !== this.#loadSeq) return;
      this.patch({ status: 'ready', sessions: mergeSnapshot(snapshot, this.#liveDuringLoad) });
    } catch (err) {
      if (seq !== this.#loadSeq) return;
      this.patch({ status: 'error', error: errorMessage(err) });
    } finally {
      if (seq === this.#loadSeq) this.#liveDuringLoad = null;
    }
  }

  /** Applies one session's latest summary (from the socket or from our own request). */
  upsert(s: SessionSummary): void {
    this.#liveDuringLoad?.set(s.id, s);
    this.patch({ sessions: applySessionUpdate(this.get().sessions, s) });
  }

  find(id: string): SessionSummary | undefined {
    return this.get().sessions.find((s) => s.id === id);
  }

  reset(): void {
    this.#loadSeq++;
    this.set({ status: 'idle', error: null, sessions: [] });
  }
}
