import type { CallerToServer, ServerToCaller } from '@sightline/protocol';

type Handler = (msg: ServerToCaller) => void;

/** Close codes after which reconnecting is pointless. */
const FINAL_CLOSE = new Set([4001, 4002, 4401]);

/**
 * The caller's WebSocket. Reconnects by itself with backoff; messages sent while
 * disconnected are queued (with their original content, e.g. fix times) and
 * flushed on reconnect.
 */
export class Signalling {
  #ws: WebSocket | null = null;
  #queue: string[] = [];
  #backoff = 500;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly onMessage: Handler,
    private readonly onLink: (state: 'connected' | 'reconnecting' | 'closed', code?: number) => void,
  ) {}

  connect(): void {
    if (this.#closed) return;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/caller`;
    const ws = new WebSocket(url);
    this.#ws = ws;
    ws.onopen = () => {
      this.#backoff = 500;
      this.onLink('connected');
      for (const m of this.#queue.splice(0)) ws.send(m);
    };
    ws.onmessage = (e) => {
      try {
        this.onMessage(JSON.parse(String(e.data)) as ServerToCaller);
      } catch {
        // A message we cannot read is dropped; the server never sends one.
      }
    };
    ws.onclose = (e) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (this.#closed || FINAL_CLOSE.has(e.code)) {
        this.#closed = true;
        this.onLink('closed', e.code);
        return;
      }
      this.onLink('reconnecting');
      this.#retry = setTimeout(() => this.connect(), this.#backoff);
      // Capped low: after a network change the caller should be back within a few seconds.
      this.#backoff = Math.min(this.#backoff * 2, 2_000);
    };
  }

  /** The phone says it is back online: try at once instead of waiting for the backoff. */
  reconnectNow(): void {
    if (!this.#ws && !this.#closed) this.connect();
  }

  /** Sends now, or queues if the socket is down (at most 500 messages are kept). */
  send(msg: CallerToServer): void {
    const text = JSON.stringify(msg);
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(text);
    else {
      this.#queue.push(text);
      if (this.#queue.length > 500) this.#queue.shift();
    }
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close(1000, 'done');
  }
}
