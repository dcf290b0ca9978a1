import type { IncidentSummary } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

export interface IncidentListState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Open incidents, newest first. */
  incidents: IncidentSummary[];
}

/** Inserts or replaces one incident (newest first); a closed one leaves the open list. */
export function applyIncidentUpdate(list: readonly IncidentSummary[], i: IncidentSummary): IncidentSummary[] {
  const rest = list.filter((x) => x.id !== i.id);
  if (i.closedAt !== null) return rest;
  return [...rest, i].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
}

/**
 * The open incidents: loaded over HTTP, kept current by every `incident.updated` (from any
 * console on any instance), and reloaded after a reconnect.
 */
export class IncidentListStore extends Store<IncidentListState> {
  #seq = 0;

  constructor(private readonly api: Pick<ApiClient, 'incidents'>) {
    super({ status: 'idle', error: null, incidents: [] });
  }

  connect(socket: Pick<ConsoleSocket, 'onMessage' | 'onReconnected'>): () => void {
    const offMsg = socket.onMessage((msg) => {
      if (msg.type === 'incident.updated') this.upsert(msg.incident);
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
    const seq = ++this.#seq;
    this.patch({ status: this.get().incidents.length ? 'ready' : 'loading', error: null });
    try {
      const incidents = await this.api.incidents();
      if (seq === this.#seq) this.patch({ status: 'ready', incidents });
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  upsert(i: IncidentSummary): void {
    this.patch({ incidents: applyIncidentUpdate(this.get().incidents, i) });
  }

  reset(): void {
    this.#seq++;
    this.set({ status: 'idle', error: null, incidents: [] });
  }
}
