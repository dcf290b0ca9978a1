import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import type { Clock } from '../clock.js';

export interface RedisHealth {
  state: 'up' | 'down';
  since: number;
  lastError: string | null;
}

/** How long start-up waits for Redis before refusing to start (a configured engine must be there). */
const READY_TIMEOUT_MS = 10_000;

/**
 * The instance's three connections to Redis, and whether they are up:
 * - `main`: commands that must answer now or fail (session owners, shared caller state,
 *   rate limits). No offline queue: while Redis is down they fail at once instead of
 *   holding up a caller's socket.
 * - `writer`: event appends. Queues while Redis is down (ioredis's offline queue, no retry
 *   limit) and sends in order once it is back; the transport bounds how much may wait.
 * - `reader`: the blocking stream read, which would stall any other command on its connection.
 * ioredis reconnects each by itself (backoff up to 2 s).
 */
export class RedisConnections {
  readonly main: Redis;
  readonly writer: Redis;
  readonly reader: Redis;
  #health: RedisHealth;
  /** Set by close(): the connections going down then is not an outage. */
  #closing = false;

  constructor(
    readonly url: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    const base: RedisOptions = {
      lazyConnect: true,
      retryStrategy: (times) => Math.min(times * 100, 2_000),
      connectTimeout: 5_000,
    };
    this.main = new Redis(url, { ...base, enableOfflineQueue: false, connectionName: 'sightline-main' });
    this.writer = new Redis(url, { ...base, maxRetriesPerRequest: null, connectionName: 'sightline-writer' });
    this.reader = new Redis(url, { ...base, maxRetriesPerRequest: null, connectionName: 'sightline-reader' });
    this.#health = { state: 'down', since: clock.now(), lastError: null };
    for (const client of this.all) {
      client.on('ready', () => this.update(null));
      client.on('close', () => this.update(null));
      client.on('end', () => this.update(null));
      // ioredis logs unhandled 'error' events to the console; note them instead.
      client.on('error', (err: Error) => this.update(err.message));
    }
  }

  /** Where Redis is, without any password in the URL (for logs and the status page). */
  get where(): string {
    try {
      const u = new URL(this.url);
      return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
    } catch {
      return 'redis';
    }
  }

  get health(): RedisHealth {
    return { ...this.#health };
  }

  /** Connects all three; refuses (throws) if Redis does not answer within 10 s. */
  async connect(): Promise<void> {
    const timeout = new Promise<never>((_, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no answer within ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
      t.unref();
    });
    await Promise.race([Promise.all(this.all.map((c) => c.connect())), timeout]).catch((err: unknown) => {
      this.disconnect();
      const why = this.#health.lastError ?? (err as Error).message;
      throw new Error(`SIGHTLINE_REDIS_URL: cannot reach Redis at ${this.where} (${why})`);
    });
  }

  disconnect(): void {
    this.#closing = true;
    for (const client of this.all) client.disconnect();
  }

  /** Sends what is still queued (up to 1 s, e.g. the events of a shutdown), then disconnects. */
  async close(): Promise<void> {
    this.#closing = true;
    const flushed = Promise.all(
      this.all.map((c) =>
        c.status === 'ready'
          ? c.quit().then(
              () => {},
              () => {},
            )
          : undefined,
      ),
    );
    await Promise.race([flushed, new Promise((r) => setTimeout(r, 1_000).unref())]);
    this.disconnect();
  }

  private get all(): Redis[] {
    return [this.main, this.writer, this.reader];
  }

  private update(error: string | null): void {
    if (error) this.#health.lastError = error;
    const up = this.all.every((c) => c.status === 'ready');
    const state = up ? 'up' : 'down';
    if (state === this.#health.state || this.#closing) return;
    this.#health = { state, since: this.clock.now(), lastError: up ? null : this.#health.lastError };
    if (up) this.log.info({ redis: this.where }, 'redis: connected');
    else
      this.log.warn(
        { redis: this.where, err: this.#health.lastError },
        'redis: connection lost; reconnecting',
      );
  }
}
