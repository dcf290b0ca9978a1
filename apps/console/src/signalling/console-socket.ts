import type { ConsoleToServer, ServerToConsole } from '@sightline/protocol';
import { ConsoleCloseCode } from '@sightline/protocol/close-codes';
import { Store } from '../lib/store.js';

/** The link to the server as the officer should see it. */
export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The subset of WebSocket we use, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ConsoleSocketOptions {
  url: () => string;
  create?: (url: string) => SocketLike;
  /** Called after a failed or dropped connection, before retrying; lets the app check the sign-in. */
  onDropped?: () => void;
  /** The server ended this officer's sign-in (signed out elsewhere, disabled, password reset): no reconnecting. */
  onSignedOut?: (reason: string) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pingEveryMs?: number;
  /** No message (not even pong) for this long means the connection is dead though TCP has not noticed. */
  silenceLimitMs?: number;
}

type MessageHandler = (msg: ServerToConsole) => void;
const OPEN = 1;

/**
 * The console's one WebSocket (/ws/console). Reconnects by itself with
 * exponential backoff; remembers which sessions are watched and re-sends
 * `watch` for each on every (re)connect, because the server forgets a
 * connection's watches when it closes. Listeners hear every server message
 * and a separate `reconnected` signal, on which views must be restarted.
 */
export class ConsoleSocket {
  readonly link = new Store<LinkState>('connecting');
  readonly #handlers = new Set<MessageHandler>();
  readonly #openHandlers = new Set<(info: { reconnect: boolean }) => void>();
  /** Session id → number of page parts watching it. */
  readonly #watched = new Map<string, number>();
  #ws: SocketLike | null = null;
  #backoff: number;
  #everOpened = false;
  #stopped = true;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #lastHeard = 0;
  #seq = 0;

  constructor(private readonly opts: ConsoleSocketOptions) {
    this.#backoff = opts.minBackoffMs ?? 500;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#everOpened = false;
    this.connect();
  }

  /** Closes for good (sign-out); start() opens a fresh connection later. */
  stop(): void {
    this.#stopped = true;
    this.clearTimers();
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'signed out');
    this.#watched.clear();
    this.link.set('closed');
  }

  /** Hears every message from the server; returns the unsubscribe function. */
  onMessage(handler: MessageHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Hears every successful connection; `reconnect` is true when an earlier one was lost. */
  onOpen(handler: (info: { reconnect: boolean }) => void): () => void {
    this.#openHandlers.add(handler);
    return () => this.#openHandlers.delete(handler);
  }

  /** Hears each reconnection after the first connection: server-side views and watches were lost. */
  onReconnected(handler: () => void): () => void {
    return this.onOpen(({ reconnect }) => {
      if (reconnect) handler();
    });
  }

  /** Sends now if connected; otherwise drops it (callers re-send their state on reconnect). Returns the message id. */
  send(msg: DistributiveOmit<ConsoleToServer, 'id'>): string {
    const id = `c${++this.#seq}`;
    if (this.#ws?.readyState === OPEN) this.#ws.send(JSON.stringify({ ...msg, id }));
    return id;
  }

  get connected(): boolean {
    return this.#ws?.readyState === OPEN;
  }

  /** Starts receiving a session's events and fixes; counted, so two page parts can watch one session. */
  watch(sessionId: string): void {
    const n = this.#watched.get(sessionId) ?? 0;
    this.#watched.set(sessionId, n + 1);
    if (n === 0) this.send({ type: 'watch', sessionId });
  }

  unwatch(sessionId: string): void {
    const n = this.#watched.get(sessionId) ?? 0;
    if (n > 1) {
      this.#watched.set(sessionId, n - 1);
      return;
    }
    if (n === 1) {
      this.#watched.delete(sessionId);
      this.send({ type: 'unwatch', sessionId });
    }
  }

  get watchedSessions(): string[] {
    return [...this.#watched.keys()];
  }

  private connect(): void {
    if (this.#stopped) return;
    const create = this.opts.create ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let ws: SocketLike;
    try {
      ws = create(this.opts.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (this.#ws !== ws) return;
      this.#lastHeard = Date.now();
      for (const sessionId of this.#watched.keys()) this.send({ type: 'watch', sessionId });
      this.startPing(ws);
      this.link.set('open');
      const reconnect = this.#everOpened;
      this.#everOpened = true;
      for (const h of [...this.#openHandlers]) safe(() => h({ reconnect }));
    };
    ws.onmessage = (e) => {
      if (this.#ws !== ws) return;
      this.#lastHeard = Date.now();
      const msg = parse(e.data);
      if (!msg) return;
      // The backoff resets only once the server has really accepted us (hello), not on a bare open.
      if (msg.type === 'hello') this.#backoff = this.opts.minBackoffMs ?? 500;
      for (const h of [...this.#handlers]) safe(() => h(msg));
    };
    ws.onerror = () => {
      // onclose follows and handles it.
    };
    ws.onclose = (ev) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.clearTimers();
      if (this.#stopped) return;
      if (ev.code === ConsoleCloseCode.signedOut) {
        this.stop();
        this.opts.onSignedOut?.(ev.reason ?? '');
        return;
      }
      // New roles: come back at once, and the new connection carries them.
      if (ev.code === ConsoleCloseCode.rolesChanged) this.#backoff = this.opts.minBackoffMs ?? 500;
      this.link.set('reconnecting');
      this.opts.onDropped?.();
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.#stopped || this.#retryTimer) return;
    // Jitter spreads a control room's consoles out when the server comes back.
    const delay = this.#backoff * (0.75 + Math.random() * 0.5);
    this.#backoff = Math.min(this.#backoff * 2, this.opts.maxBackoffMs ?? 10_000);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.connect();
    }, delay);
  }

  private startPing(ws: SocketLike): void {
    const every = this.opts.pingEveryMs ?? 20_000;
    const limit = this.opts.silenceLimitMs ?? 50_000;
    this.#pingTimer = setInterval(() => {
      if (Date.now() - this.#lastHeard > limit) {
        // Treat as dropped: close() alone can take a TCP timeout to fire onclose.
        const handler = ws.onclose;
        ws.onclose = null;
        ws.close(4000, 'no answer to ping');
        handler?.({ code: 4000 });
        return;
      }
      this.send({ type: 'ping' });
    }, every);
  }

  private clearTimers(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }
}

/** Omit that keeps a union a union (plain Omit would merge its members). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function parse(data: unknown): ServerToConsole | null {
  if (typeof data !== 'string') return null;
  try {
    const msg = JSON.parse(data) as unknown;
    // The server validates what it sends; checking the tag is enough to route it.
    return msg && typeof msg === 'object' && typeof (msg as { type?: unknown }).type === 'string'
      ? (msg as ServerToConsole)
      : null;
  } catch {
    return null;
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('console socket listener failed', err);
  }
}
