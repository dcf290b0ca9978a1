import type { FieldShare, ServerToConsole } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

export interface FieldListState {
  status: 'loading' | 'ready' | 'error';
  shares: FieldShare[];
  error: string | null;
}

/** A field officer's live shares; reloaded whenever the server says one of theirs changed. */
export class FieldListStore {
  readonly state = new Store<FieldListState>({ status: 'loading', shares: [], error: null });
  #off: (() => void) | null = null;

  constructor(private readonly api: Pick<ApiClient, 'myShares'>) {}

  connect(socket: Pick<ConsoleSocket, 'onMessage'>): void {
    // Only the officer's own shares' changes reach their console.
    this.#off = socket.onMessage((m: ServerToConsole) => {
      if (m.type === 'share.changed') void this.load();
    });
  }

  async load(): Promise<void> {
    try {
      this.state.set({ status: 'ready', shares: await this.api.myShares(), error: null });
    } catch (err) {
      this.state.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  dispose(): void {
    this.#off?.();
    this.#off = null;
  }
}
