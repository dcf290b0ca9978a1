import type { OfficerPosition, ServerToConsole } from '@sightline/protocol';
import { Store } from '../lib/store.js';
import type { OfficerMarker } from '../location/officer-markers.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/**
 * Field officers sharing their position with one session, newest fix each, for the
 * control room's map. Filled by the socket while the session is watched (the server
 * sends the current ones on watch); an officer leaves when their share ends.
 */
export class OfficerPositionsStore {
  readonly state = new Store<OfficerPosition[]>([]);
  #off: (() => void) | null = null;

  constructor(readonly sessionId: string) {}

  connect(socket: Pick<ConsoleSocket, 'onMessage'>): void {
    this.#off = socket.onMessage((m) => this.onMessage(m));
  }

  onMessage(m: ServerToConsole): void {
    if (m.type === 'officer.position' && m.sessionId === this.sessionId) {
      const p = m.position;
      this.state.set((all) => {
        const old = all.find((o) => o.shareId === p.shareId);
        if (old && old.receivedAt > p.receivedAt) return all;
        return [...all.filter((o) => o.shareId !== p.shareId), p].sort((a, b) =>
          a.name.localeCompare(b.name),
        );
      });
    } else if (m.type === 'officer.position.gone' && m.sessionId === this.sessionId) {
      this.state.set((all) => all.filter((o) => o.shareId !== m.shareId));
    }
  }

  dispose(): void {
    this.#off?.();
    this.#off = null;
  }
}

/** Positions as map markers. */
export function toMarkers(positions: readonly OfficerPosition[]): OfficerMarker[] {
  return positions.map((p) => ({
    officerId: p.officerId,
    name: p.name,
    lat: p.lat,
    lon: p.lon,
    accuracy: p.accuracy,
    at: p.receivedAt,
  }));
}
