import type { Watcher } from '@sightline/protocol';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/** Session id → who has it open (earliest first), as the server last said. */
export type PresenceState = ReadonlyMap<string, readonly Watcher[]>;

const NONE: readonly Watcher[] = [];

/**
 * Who is watching each session, kept current by the server's `presence` messages (sent
 * after hello, on every watch and on every change, from every instance). Cleared when the
 * connection drops: the server sends the picture again on reconnect.
 */
export class PresenceStore extends Store<PresenceState> {
  constructor() {
    super(new Map());
  }

  /** Wires the store to the socket; returns the function that unwires it. */
  connect(socket: Pick<ConsoleSocket, 'onMessage' | 'onReconnected'>): () => void {
    const offMsg = socket.onMessage((msg) => {
      if (msg.type === 'presence') this.apply(msg.sessionId, msg.watchers);
    });
    const offRe = socket.onReconnected(() => this.reset());
    return () => {
      offMsg();
      offRe();
    };
  }

  apply(sessionId: string, watchers: readonly Watcher[]): void {
    this.set((cur) => {
      const next = new Map(cur);
      if (watchers.length) next.set(sessionId, watchers);
      else next.delete(sessionId);
      return next;
    });
  }

  /** The session's watchers; the same empty array when none (stable for React). */
  of(sessionId: string): readonly Watcher[] {
    return this.get().get(sessionId) ?? NONE;
  }

  reset(): void {
    this.set(new Map());
  }
}

/** "Also watching: Alice Brown and Bob Singh", leaving out the officer reading it; null when nobody else. */
export function othersText(watchers: readonly Watcher[], selfId: string | null): string | null {
  const others = watchers.filter((w) => w.officerId !== selfId).map((w) => w.name);
  return others.length ? `Also watching: ${listOf(others)}` : null;
}

/**
 * What a screen reader should hear when the watchers change: who started and who stopped
 * watching (never the officer themselves); null when nothing worth saying changed.
 */
export function presenceChangeText(
  before: readonly Watcher[],
  after: readonly Watcher[],
  selfId: string | null,
): string | null {
  const ids = (ws: readonly Watcher[]) => new Set(ws.map((w) => w.officerId));
  const had = ids(before);
  const has = ids(after);
  const came = after.filter((w) => !had.has(w.officerId) && w.officerId !== selfId).map((w) => w.name);
  const went = before.filter((w) => !has.has(w.officerId) && w.officerId !== selfId).map((w) => w.name);
  const parts: string[] = [];
  if (came.length) parts.push(`${listOf(came)} started watching`);
  if (went.length) parts.push(`${listOf(went)} stopped watching`);
  return parts.length ? `${parts.join('. ')}.` : null;
}

/** "A", "A and B", "A, B and C". */
function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
