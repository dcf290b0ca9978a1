import type { BusTransport, EventBusHealth } from '../../events/event-bus.js';
import type { Logger } from '../../lib/logger.js';
import type { RedisConnections } from './redis-connections.js';

/** One stream carries every instance's events, in the order Redis received them. */
export const EVENTS_STREAM = 'sightline:events';
/**
 * Entries kept (approximately: MAXLEN ~). At 1,000 location fixes a second that is
 * about 20 s of history for an instance whose reader fell behind or briefly lost
 * Redis; each entry is well under 1 kB, so at most ~20 MB.
 */
const STREAM_MAX_LEN = 20_000;
/** Appends allowed to wait while Redis is down; beyond this new events are dropped (and counted). */
const MAX_QUEUED = 10_000;
const READ_BLOCK_MS = 2_000;

/**
 * Events between instances over a Redis stream (XADD / XREAD), not pub/sub: each
 * instance reads on from the last entry it saw, so events appended while its
 * connection was down, or while Redis restarted and the other instances flushed
 * what they had queued, are still delivered when it is back. Pub/sub would drop them.
 */
export class RedisStreamTransport implements BusTransport {
  #receive: (envelope: string) => void = () => {};
  #lastId = '0-0';
  #queued = 0;
  #dropped = 0;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();
  #lastDropLog = 0;

  constructor(
    private readonly redis: RedisConnections,
    private readonly log: Logger,
    private readonly stream = EVENTS_STREAM,
  ) {}

  listen(receive: (envelope: string) => void): void {
    this.#receive = receive;
  }

  /** Appends; while Redis is down the append waits in the writer's queue, up to MAX_QUEUED. */
  send(envelope: string): void {
    if (this.#stopped) return;
    if (this.#queued >= MAX_QUEUED) {
      this.#dropped++;
      const now = Date.now();
      if (now - this.#lastDropLog > 5_000) {
        this.#lastDropLog = now;
        this.log.error(
          { dropped: this.#dropped, queued: this.#queued },
          'events: Redis has been unreachable too long; dropping events for other instances (this instance still has them)',
        );
      }
      return;
    }
    this.#queued++;
    this.redis.writer
      .xadd(this.stream, 'MAXLEN', '~', STREAM_MAX_LEN, '*', 'e', envelope)
      .catch((err: unknown) => {
        if (!this.#stopped) {
          this.#dropped++;
          this.log.error({ err }, 'events: Redis refused an event');
        }
      })
      .finally(() => this.#queued--);
  }

  /** Reads on from the newest entry: what other instances said before we started is history. */
  async start(): Promise<void> {
    const newest = await this.redis.reader.xrevrange(this.stream, '+', '-', 'COUNT', 1);
    this.#lastId = newest[0]?.[0] ?? '0-0';
    this.#loop = this.read();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.redis.reader.disconnect();
    await this.#loop;
  }

  health(): EventBusHealth {
    return { backend: 'redis', ...this.redis.health, queued: this.#queued, dropped: this.#dropped };
  }

  private async read(): Promise<void> {
    while (!this.#stopped) {
      try {
        const batch = await this.redis.reader.xread(
          'COUNT',
          1_000,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          this.stream,
          this.#lastId,
        );
        for (const [, entries] of batch ?? []) {
          for (const [id, fields] of entries) {
            this.#lastId = id;
            const at = fields.indexOf('e');
            if (at >= 0 && fields[at + 1] !== undefined) this.#receive(fields[at + 1]!);
          }
        }
      } catch (err) {
        if (this.#stopped) return;
        // ioredis reconnects by itself; the next read resumes from #lastId.
        this.log.debug({ err }, 'events: stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}
