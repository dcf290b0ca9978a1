import type { OutboxMessage } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';

export interface OutboxState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  messages: OutboxMessage[];
  error: string | null;
}

/** The SMS outbox (what the default gateway "sent"), reloaded whenever the server says it changed. */
export class OutboxStore extends Store<OutboxState> {
  #seq = 0;
  #active = false;

  constructor(private readonly api: Pick<ApiClient, 'outbox'>) {
    super({ status: 'idle', messages: [], error: null });
  }

  connect(socket: ConsoleSocket): () => void {
    const offMsg = socket.onMessage((m) => {
      if (m.type === 'outbox.updated' && this.#active) void this.load();
    });
    const offRe = socket.onReconnected(() => {
      if (this.#active) void this.load();
    });
    return () => {
      offMsg();
      offRe();
    };
  }

  /** Starts loading and following updates (only while the panel is on screen). */
  activate(): () => void {
    this.#active = true;
    void this.load();
    return () => {
      this.#active = false;
    };
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    if (this.get().status !== 'ready') this.patch({ status: 'loading' });
    try {
      const messages = await this.api.outbox();
      if (seq === this.#seq) this.set({ status: 'ready', messages: newestFirst(messages), error: null });
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  reset(): void {
    this.#seq++;
    this.set({ status: 'idle', messages: [], error: null });
  }
}

export function newestFirst(messages: readonly OutboxMessage[]): OutboxMessage[] {
  return [...messages].sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * A line under a text saying who can read its link. The server decides what is masked
 * (the link only for its sender, until opened or expired); this only explains it.
 */
export function outboxNote(m: OutboxMessage): string | null {
  if (m.linkHidden)
    return m.mine
      ? 'Link hidden: the caller has opened it, or it has expired or ended.'
      : 'Link hidden: only the officer who sent it can see it.';
  if (m.mine && m.body.includes('/j/'))
    return 'Only you can see this link, until the caller opens it. Give it to no one else.';
  return null;
}
