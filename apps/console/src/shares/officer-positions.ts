import type { OfficerPosition, ServerToConsole } from '@sightline/protocol';
import { Store } from '../lib/store.js';
import type { OfficerMarker } from '../location/officer-markers.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/** A field officer's position and the session whose share carries it. */
export type SharedPosition = OfficerPosition & { sessionId: string };

/**
 * Field officers sharing their position with one session (the session page) or with any of
 * several (an incident page: `sessions` says which), newest fix each, for the control room's
 * map. Filled by the socket while the sessions are watched (the server sends the current ones
 * on watch); an officer leaves when their share ends.
 */
export class OfficerPositionsStore {
  readonly state = new Store<SharedPosition[]>([]);
  #off: (() => void) | null = null;
  readonly #mine: (sessionId: string) => boolean;

  constructor(sessions: string | ((sessionId: string) => boolean)) {
    this.#mine = typeof sessions === 'string' ? (id) => id === sessions : sessions;
  }

  connect(socket: Pick<ConsoleSocket, 'onMessage'>): void {
    this.#off = socket.onMessage((m) => this.onMessage(m));
  }

  onMessage(m: ServerToConsole): void {
    if (m.type === 'officer.position' && this.#mine(m.sessionId)) {
      const p = { ...m.position, sessionId: m.sessionId };
      this.state.set((all) => {
        const old = all.find((o) => o.shareId === p.shareId);
        if (old && old.receivedAt > p.receivedAt) return all;
        return [...all.filter((o) => o.shareId !== p.shareId), p].sort((a, b) =>
          a.name.localeCompare(b.name),
        );
      });
    } else if (m.type === 'officer.position.gone' && this.#mine(m.sessionId)) {
      this.state.set((all) => all.filter((o) => o.shareId !== m.shareId));
    }
  }

  /** A session left the page (taken out of the incident): its officers leave the map with it. */
  forgetSession(sessionId: string): void {
    this.state.set((all) => all.filter((o) => o.sessionId !== sessionId));
  }

  dispose(): void {
    this.#off?.();
    this.#off = null;
  }
}

/** Positions as map markers: one per officer, their newest (an officer may hold two shares of an incident). */
export function toMarkers(positions: readonly OfficerPosition[]): OfficerMarker[] {
  const newest = new Map<string, OfficerPosition>();
  for (const p of positions) {
    const seen = newest.get(p.officerId);
    if (!seen || seen.receivedAt < p.receivedAt) newest.set(p.officerId, p);
  }
  return [...newest.values()].map((p) => ({
    officerId: p.officerId,
    name: p.name,
    lat: p.lat,
    lon: p.lon,
    accuracy: p.accuracy,
    at: p.receivedAt,
  }));
}
