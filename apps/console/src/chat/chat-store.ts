import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import {
  applyStatus,
  batches,
  type ChatEntry,
  MAX_CHAT_CHARS,
  markStatus,
  mergeMessage,
  unreadCount,
} from './chat-model.js';

export interface ChatState {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** In `seq` order; our pending messages last. */
  messages: ChatEntry[];
  draft: string;
  draftError: string | null;
  /** Caller messages not yet read by anyone on the police side. */
  unread: number;
  /** The newest caller message that arrived live, for the screen-reader announcement. */
  announced: ChatEntry | null;
  /** Whether the panel is on screen (and the tab in front): only then do we tell the caller "read". */
  visible: boolean;
}

const INITIAL: ChatState = {
  status: 'loading',
  error: null,
  messages: [],
  draft: '',
  draftError: null,
  unread: 0,
  announced: null,
  visible: false,
};

type ChatSocket = Pick<ConsoleSocket, 'send' | 'onMessage' | 'onOpen' | 'connected'>;

export interface ChatStoreDeps {
  api: Pick<ApiClient, 'messages'>;
  socket: ChatSocket;
  /** A fresh id per message (6-64 chars); the server stores a resend with the same id once. */
  newClientId?: () => string;
  now?: () => number;
}

/**
 * One session's text conversation with the caller. For a deaf or non-verbal
 * caller this is the whole conversation, so it works in every mode and
 * whether or not there is video. History comes from the API; live messages,
 * states and receipts over the console socket (the session page watches).
 * Messages not confirmed by the server are sent again after a reconnect.
 */
export class ChatStore extends Store<ChatState> {
  readonly #deps: Required<ChatStoreDeps>;
  readonly #off: Array<() => void> = [];
  /** clientIds written here, so "mine" survives a reload of the history. */
  readonly #mine = new Set<string>();
  /** Socket message id → clientId, to match an error to the message it refused. */
  readonly #refs = new Map<string, string>();
  readonly #receipted = { delivered: new Set<string>(), read: new Set<string>() };
  #loadSeq = 0;
  #disposed = false;
  /** Off until the page knows the session is running and this officer takes part in it. */
  #receipts = false;

  constructor(
    readonly sessionId: string,
    deps: ChatStoreDeps,
  ) {
    super(INITIAL);
    this.#deps = {
      newClientId: () => globalThis.crypto.randomUUID(),
      now: Date.now,
      ...deps,
    };
  }

  start(): void {
    const { socket } = this.#deps;
    this.#off.push(
      socket.onMessage((msg) => {
        switch (msg.type) {
          case 'chat.message': {
            if (msg.sessionId !== this.sessionId) return;
            const isNew = !this.get().messages.some((e) => e.id === msg.message.id);
            const messages = mergeMessage(
              this.get().messages,
              msg.message,
              this.#mine.has(msg.message.clientId),
            );
            const entry = messages.find((e) => e.id === msg.message.id) ?? null;
            this.update(messages, isNew && msg.message.from === 'caller' ? { announced: entry } : {});
            return;
          }
          case 'chat.status':
            if (msg.sessionId === this.sessionId) this.update(applyStatus(this.get().messages, msg));
            return;
          case 'error': {
            const clientId = msg.ref ? this.#refs.get(msg.ref) : undefined;
            if (!clientId || !msg.ref) return;
            this.#refs.delete(msg.ref);
            this.update(
              this.get().messages.map((e) =>
                e.id === null && e.clientId === clientId ? { ...e, status: 'failed', error: msg.message } : e,
              ),
            );
            return;
          }
          default:
            return;
        }
      }),
      socket.onOpen(({ reconnect }) => {
        // Receipts and sends made while the link was down were dropped: redo them.
        this.#receipted.delivered.clear();
        this.#receipted.read.clear();
        for (const e of this.get().messages) if (e.status === 'sending') this.transmit(e);
        if (reconnect) void this.load();
      }),
    );
    void this.load();
  }

  dispose(): void {
    this.#disposed = true;
    for (const off of this.#off.splice(0)) off();
  }

  /** Loads the history and merges it with whatever arrived live meanwhile. */
  async load(): Promise<void> {
    const seq = ++this.#loadSeq;
    try {
      const history = await this.#deps.api.messages(this.sessionId);
      if (this.#disposed || seq !== this.#loadSeq) return;
      let messages = this.get().messages;
      for (const m of history) messages = mergeMessage(messages, m, this.#mine.has(m.clientId));
      this.patch({ status: 'ready', error: null });
      this.update(messages);
    } catch (err) {
      if (this.#disposed || seq !== this.#loadSeq) return;
      // Live messages still arrive; say the older ones are missing rather than hide the panel.
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  setDraft(draft: string): void {
    this.patch({ draft, draftError: draft.length > MAX_CHAT_CHARS ? tooLong(draft.length) : null });
  }

  /** Sends the draft; false (and the draft kept) if there is nothing to send or it is too long. */
  send(): boolean {
    const text = this.get().draft.trim();
    if (!text) return false;
    if (text.length > MAX_CHAT_CHARS) {
      this.patch({ draftError: tooLong(text.length) });
      return false;
    }
    const entry: ChatEntry = {
      id: null,
      seq: null,
      from: 'officer',
      officerName: null,
      text,
      clientId: this.#deps.newClientId(),
      at: this.#deps.now(),
      status: 'sending',
      error: null,
      mine: true,
    };
    this.#mine.add(entry.clientId);
    this.patch({ draft: '', draftError: null });
    this.update([...this.get().messages, entry]);
    this.transmit(entry);
    return true;
  }

  /** Sends a refused message again, under the same clientId so it cannot be stored twice. */
  retry(clientId: string): void {
    const entry = this.get().messages.find((e) => e.clientId === clientId && e.status === 'failed');
    if (!entry) return;
    const again: ChatEntry = { ...entry, status: 'sending', error: null };
    this.update(this.get().messages.map((e) => (e === entry ? again : e)));
    this.transmit(again);
  }

  /**
   * Whether this console tells the caller "delivered" and "read". Only while the
   * session runs, and only for officers who take part: a later review of the record
   * must not change it, and a caller long gone gains nothing from the receipt.
   */
  setReceipts(on: boolean): void {
    if (this.#receipts === on) return;
    this.#receipts = on;
    this.update(this.get().messages);
  }

  /** The panel came on or went off screen; coming on marks the caller's messages read. */
  setVisible(visible: boolean): void {
    if (this.get().visible === visible) return;
    this.patch({ visible });
    if (visible) this.update(this.get().messages);
  }

  private transmit(e: ChatEntry): void {
    const { socket } = this.#deps;
    // Not connected: it stays "sending" and goes out when the socket opens.
    if (!socket.connected) return;
    const ref = socket.send({
      type: 'chat.send',
      sessionId: this.sessionId,
      clientId: e.clientId,
      text: e.text,
    });
    this.#refs.set(ref, e.clientId);
  }

  /** Stores the list, then tells the server what this console has received and shown. */
  private update(messages: ChatEntry[], extra: Partial<ChatState> = {}): void {
    let next = messages;
    if (this.#receipts && this.#deps.socket.connected) {
      next = this.receipt(next, 'delivered', (e) => e.status === 'sent');
      if (this.get().visible) next = this.receipt(next, 'read', (e) => e.status !== 'read');
    }
    // "Unread" is a call to act; on a closed session or for a reviewer there is nothing to act on.
    this.patch({ messages: next, unread: this.#receipts ? unreadCount(next) : 0, ...extra });
  }

  private receipt(
    messages: ChatEntry[],
    state: 'delivered' | 'read',
    due: (e: ChatEntry) => boolean,
  ): ChatEntry[] {
    const done = this.#receipted[state];
    const ids = messages
      .filter((e) => e.from === 'caller' && e.id !== null && due(e) && !done.has(e.id))
      .map((e) => e.id as string);
    if (!ids.length) return messages;
    for (const batch of batches(ids)) {
      this.#deps.socket.send({ type: 'chat.receipt', sessionId: this.sessionId, ids: batch, state });
    }
    for (const id of ids) done.add(id);
    return markStatus(messages, new Set(ids), state);
  }
}

const tooLong = (n: number): string =>
  `Too long by ${n - MAX_CHAT_CHARS} characters: split it into two messages.`;
