import type { ChatMessage } from '@sightline/protocol';
import { t } from './i18n.js';
import type { Signalling } from './signalling.js';
import { chatLines, type Store } from './store.js';

/** The server refills a caller's chat allowance at one message every 2 s. */
const THROTTLE_RETRY_MS = 5_000;

/** The id a chat message is sent with: the server echoes it as `ref` when it refuses one. */
const chatRef = (clientId: string) => `chat:${clientId}`;

/**
 * Whether an error is the server refusing a chat message for coming too fast. Only then is
 * the caller told "sending too fast": a refused location fix or candidate is the page's own
 * business (it sends again at its own pace), and the caller could do nothing about it.
 */
export const chatRefused = (err: { code: string; ref?: string | undefined }): boolean =>
  err.code === 'rate_limited' && err.ref?.startsWith('chat:') === true;

/**
 * The caller's side of the chat: stored messages by id, the caller's own until
 * the server confirms them (sent again after a reconnect, with their original
 * time), unread count, and delivered/read receipts for the officers' messages.
 */
export class ChatController {
  readonly #stored = new Map<string, ChatMessage>();
  readonly #queued: Array<{ clientId: string; text: string; sentAt: number }> = [];
  readonly #receipted = new Set<string>();
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: Store,
    private readonly signalling: () => Signalling | null,
    private readonly announce: (text: string) => void,
    private readonly describeIncoming: (text: string) => string,
  ) {
    document.addEventListener('visibilitychange', () => this.markRead());
  }

  send(text: string): void {
    const q = { clientId: crypto.randomUUID(), text, sentAt: Date.now() };
    this.#queued.push(q);
    this.signalling()?.send({
      type: 'chat.send',
      id: chatRef(q.clientId),
      clientId: q.clientId,
      text: q.text,
      sentAt: q.sentAt,
    });
    this.refresh();
  }

  /**
   * The server refused messages for coming too fast (per-caller limit): say so, and send
   * what is still unconfirmed again once the allowance has refilled. Nothing typed is lost.
   */
  throttled(): void {
    if (this.#retry) return;
    this.announce(t('chat.tooFast'));
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.resendPending();
    }, THROTTLE_RETRY_MS);
  }

  /** After a reconnect: anything not confirmed goes again (the server ignores duplicates). */
  resendPending(): void {
    for (const q of this.#queued)
      this.signalling()?.send({
        type: 'chat.send',
        id: chatRef(q.clientId),
        clientId: q.clientId,
        text: q.text,
        sentAt: q.sentAt,
      });
  }

  history(messages: ChatMessage[]): void {
    for (const m of messages) this.#stored.set(m.id, m);
    this.confirm();
    this.deliver(messages.filter((m) => m.from === 'officer' && !m.deliveredAt).map((m) => m.id));
    this.refresh();
    this.markRead();
  }

  received(m: ChatMessage): void {
    const isNew = !this.#stored.has(m.id);
    this.#stored.set(m.id, m);
    this.confirm();
    if (isNew && m.from === 'officer') {
      this.deliver([m.id]);
      this.announce(this.describeIncoming(m.text));
      if (!this.visible()) this.store.update({ unread: this.store.state.unread + 1 });
    }
    this.refresh();
    this.markRead();
  }

  status(u: { id: string; state: 'sent' | 'delivered' | 'read'; at: number }): void {
    const m = this.#stored.get(u.id);
    if (!m) return;
    if (u.state === 'delivered') m.deliveredAt ??= u.at;
    if (u.state === 'read') {
      m.deliveredAt ??= u.at;
      m.readAt ??= u.at;
    }
    this.refresh();
  }

  open(): void {
    this.store.update({ chatOpen: true });
    this.markRead();
  }

  /** Officers' messages count as read once the chat is open on a visible page. */
  markRead(): void {
    if (!this.visible()) return;
    const ids = [...this.#stored.values()]
      .filter((m) => m.from === 'officer' && !m.readAt && !this.#receipted.has(`read:${m.id}`))
      .map((m) => m.id);
    for (const id of ids) this.#receipted.add(`read:${id}`);
    if (ids.length) this.signalling()?.send({ type: 'chat.receipt', ids, state: 'read' });
    if (this.store.state.unread) this.store.update({ unread: 0 });
  }

  private deliver(ids: string[]): void {
    const fresh = ids.filter((id) => !this.#receipted.has(`delivered:${id}`));
    for (const id of fresh) this.#receipted.add(`delivered:${id}`);
    if (fresh.length) this.signalling()?.send({ type: 'chat.receipt', ids: fresh, state: 'delivered' });
  }

  private confirm(): void {
    const stored = new Set(
      [...this.#stored.values()].filter((m) => m.from === 'caller').map((m) => m.clientId),
    );
    for (let i = this.#queued.length - 1; i >= 0; i--)
      if (stored.has(this.#queued[i]!.clientId)) this.#queued.splice(i, 1);
  }

  private visible(): boolean {
    return this.store.state.chatOpen && document.visibilityState === 'visible';
  }

  private refresh(): void {
    this.store.update({ chat: chatLines([...this.#stored.values()], this.#queued) });
  }
}
