import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { Logger } from '../../lib/logger.js';
import { TypedEmitter } from '../../lib/typed-emitter.js';
import { JanusError } from './janus-errors.js';
import { JanusHandle } from './janus-handle.js';
import type { ConnectionEvents, JanusMessage, Jsep } from './janus-types.js';

export interface JanusConnectionOptions {
  url: string;
  apiSecret?: string | undefined;
  /** How long one request may wait for Janus before failing. */
  requestTimeoutMs?: number;
  logger: Logger;
}

interface Pending {
  /** Janus answers trickle and keepalive with a bare "ack"; plugin messages ack first and answer later. */
  ackIsFinal: boolean;
  resolve: (msg: JanusMessage) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const KEEPALIVE_MS = 25_000;
const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5_000;

/**
 * One WebSocket to Janus with one Janus session on it. Reconnects forever with
 * backoff; every reconnect creates a new Janus session, so handles from before
 * are dead and owners must rebuild (they hear `disconnected` then `connected`).
 */
export class JanusConnection extends TypedEmitter<ConnectionEvents> {
  #ws: WebSocket | null = null;
  #sessionId: number | null = null;
  #pending = new Map<string, Pending>();
  #handles = new Map<number, JanusHandle>();
  #keepalive: NodeJS.Timeout | null = null;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #backoff = RECONNECT_MIN_MS;
  #closed = false;
  #readyWaiters: Array<() => void> = [];
  readonly #log: Logger;

  constructor(private readonly opts: JanusConnectionOptions) {
    super();
    this.#log = opts.logger;
  }

  get ready(): boolean {
    return this.#sessionId !== null;
  }

  /** Starts connecting; resolves once, on the first successful connection. */
  start(): Promise<void> {
    const first = new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
    this.#connect();
    return first;
  }

  /** Resolves when a Janus session is available (immediately if it is). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#teardown('closed by server');
    this.#ws?.close();
    this.removeAllListeners();
  }

  /** One round trip on our Janus session (a keepalive): proves Janus answers, not only that the socket is open. */
  async ping(): Promise<void> {
    await this.#request({ janus: 'keepalive' });
  }

  /** Attaches a new handle to a plugin. */
  async attach(plugin: string, opaqueId?: string): Promise<JanusHandle> {
    const res = await this.#request({
      janus: 'attach',
      plugin,
      ...(opaqueId ? { opaque_id: opaqueId } : {}),
    });
    const id = res.data?.id;
    if (typeof id !== 'number') throw new JanusError(0, 'attach returned no handle id', 'core');
    const handle = new JanusHandle(this, id);
    this.#handles.set(id, handle);
    return handle;
  }

  /** Sends a plugin message; resolves with the plugin's data (sync reply or async event). */
  async message(
    handleId: number,
    body: Record<string, unknown>,
    jsep?: Jsep,
  ): Promise<{ data: Record<string, unknown>; jsep?: Jsep }> {
    const res = await this.#request({
      janus: 'message',
      handle_id: handleId,
      body,
      ...(jsep ? { jsep } : {}),
    });
    const data = res.plugindata?.data ?? {};
    if (typeof data.error_code === 'number') {
      throw new JanusError(data.error_code, String(data.error ?? 'plugin error'), 'plugin');
    }
    return res.jsep ? { data, jsep: res.jsep } : { data };
  }

  async trickle(handleId: number, candidate: Record<string, unknown> | null): Promise<void> {
    await this.#request({
      janus: 'trickle',
      handle_id: handleId,
      candidate: candidate ?? { completed: true },
    });
  }

  async hangup(handleId: number): Promise<void> {
    await this.#request({ janus: 'hangup', handle_id: handleId });
  }

  async detach(handleId: number): Promise<void> {
    try {
      await this.#request({ janus: 'detach', handle_id: handleId });
    } finally {
      this.#handles.delete(handleId);
    }
  }

  #connect(): void {
    if (this.#closed) return;
    const ws = new WebSocket(this.opts.url, 'janus-protocol');
    this.#ws = ws;
    ws.on('open', () => {
      this.#backoff = RECONNECT_MIN_MS;
      this.#createSession().catch((err: unknown) => {
        this.#log.error({ err }, 'janus: could not create a session');
        ws.close();
      });
    });
    ws.on('message', (raw) => this.#onMessage(raw.toString()));
    ws.on('error', (err) => this.#log.debug({ err: err.message }, 'janus: websocket error'));
    ws.on('close', () => {
      if (this.#ws !== ws) return;
      this.#teardown('connection to Janus lost');
      this.#scheduleReconnect();
    });
  }

  async #createSession(): Promise<void> {
    const res = await this.#send({ janus: 'create' });
    const id = res.data?.id;
    if (typeof id !== 'number') throw new JanusError(0, 'create returned no session id', 'core');
    this.#sessionId = id;
    this.#keepalive = setInterval(() => {
      this.#request({ janus: 'keepalive' }).catch((err: unknown) =>
        this.#log.warn({ err }, 'janus: keepalive failed'),
      );
    }, KEEPALIVE_MS);
    this.#log.info({ session: id }, 'janus: connected');
    for (const resolve of this.#readyWaiters.splice(0)) resolve();
    this.safeEmit('connected');
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    this.#reconnectTimer = setTimeout(() => this.#connect(), this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, RECONNECT_MAX_MS);
  }

  #teardown(reason: string): void {
    const hadSession = this.#sessionId !== null;
    this.#sessionId = null;
    if (this.#keepalive) clearInterval(this.#keepalive);
    this.#keepalive = null;
    for (const [tx, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new JanusError(0, reason, 'transport'));
      this.#pending.delete(tx);
    }
    for (const handle of this.#handles.values()) handle.markGone();
    this.#handles.clear();
    if (hadSession) this.safeEmit('disconnected', reason);
  }

  #request(msg: Record<string, unknown>): Promise<JanusMessage> {
    if (this.#sessionId === null) {
      return Promise.reject(new JanusError(0, 'media server not connected', 'transport'));
    }
    return this.#send({ ...msg, session_id: this.#sessionId });
  }

  #send(msg: Record<string, unknown>): Promise<JanusMessage> {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new JanusError(0, 'media server not connected', 'transport'));
    }
    const transaction = randomBytes(9).toString('base64url');
    const body = { ...msg, transaction, ...(this.opts.apiSecret ? { apisecret: this.opts.apiSecret } : {}) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction);
        reject(new JanusError(0, `no reply to "${String(msg.janus)}" within timeout`, 'transport'));
      }, this.opts.requestTimeoutMs ?? 10_000);
      const ackIsFinal = msg.janus === 'trickle' || msg.janus === 'keepalive';
      this.#pending.set(transaction, { ackIsFinal, resolve, reject, timer });
      ws.send(JSON.stringify(body));
    });
  }

  #onMessage(text: string): void {
    let msg: JanusMessage;
    try {
      msg = JSON.parse(text) as JanusMessage;
    } catch {
      this.#log.warn('janus: unparseable message');
      return;
    }
    const pending = msg.transaction ? this.#pending.get(msg.transaction) : undefined;
    if (pending) {
      // An "ack" to a plugin message means the answer comes later as an event on the same transaction.
      if (msg.janus === 'ack' && !pending.ackIsFinal) return;
      this.#pending.delete(msg.transaction!);
      clearTimeout(pending.timer);
      if (msg.janus === 'error') {
        pending.reject(new JanusError(msg.error?.code ?? 0, msg.error?.reason ?? 'unknown', 'core'));
      } else {
        pending.resolve(msg);
      }
      return;
    }
    if (typeof msg.sender === 'number') this.#handles.get(msg.sender)?.dispatch(msg);
  }
}
