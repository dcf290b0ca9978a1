import type { Redis } from 'ioredis';
import type { EventBus } from '../../events/event-bus.js';
import { DomainError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { SessionOwners } from '../../media/session-owners.js';

/**
 * An instance that stops renewing (it died) loses its sessions after this; a console's
 * relay to it fails with `media_unavailable` until then, and `session_not_live` after.
 */
const OWNER_TTL_MS = 15_000;
const HEARTBEAT_MS = 5_000;

/** Renew our claim, or make it again if the key is gone (Redis restarted empty); never take another's. */
const RENEW = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const key = (sessionId: string) => `sightline:owner:${sessionId}`;

/**
 * Session owners as Redis keys with a TTL that a heartbeat renews: liveness is the point
 * (an owner that dies must stop being named within seconds), and it needs no schema. A
 * claim is unconditional, since the caller's newest publish wins; it is announced as
 * `media.owner` so the previous holder closes its stale room. A claim that fails while
 * Redis is down is made again as soon as Redis is back.
 */
export class RedisSessionOwners implements SessionOwners {
  readonly #held = new Set<string>();
  /** Held, but Redis did not take the claim yet. */
  readonly #unclaimed = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  readonly #unsubscribe: Array<() => void> = [];

  constructor(
    private readonly redis: Redis,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {
    this.#unsubscribe.push(
      events.subscribe('media.owner', ({ sessionId, instanceId }) => {
        if (instanceId === events.instanceId) return;
        this.#held.delete(sessionId);
        this.#unclaimed.delete(sessionId);
      }),
      events.subscribe('session.ended', ({ sessionId }) => {
        if (!this.#held.delete(sessionId)) return;
        this.#unclaimed.delete(sessionId);
        return this.release(sessionId);
      }),
    );
    redis.on('ready', () => void this.renew());
  }

  async claim(sessionId: string): Promise<void> {
    this.#held.add(sessionId);
    this.#unclaimed.delete(sessionId);
    try {
      await this.redis.set(key(sessionId), this.events.instanceId, 'PX', OWNER_TTL_MS);
    } catch (err) {
      this.#unclaimed.add(sessionId);
      this.log.warn({ err, sessionId }, 'media owners: Redis did not take the claim; will retry');
    }
    this.events.publish('media.owner', { sessionId, instanceId: this.events.instanceId });
  }

  async ownerOf(sessionId: string): Promise<string | null> {
    try {
      return await this.redis.get(key(sessionId));
    } catch {
      throw new DomainError(
        'media_unavailable',
        'the servers cannot reach each other right now; try again in a moment',
      );
    }
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.renew(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  /** Gives up every claim, so consoles stop being relayed to an instance that is leaving. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const off of this.#unsubscribe.splice(0)) off();
    await Promise.all([...this.#held].map((id) => this.release(id)));
    this.#held.clear();
  }

  private async renew(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    for (const sessionId of [...this.#held]) {
      try {
        if (this.#unclaimed.has(sessionId)) {
          await this.redis.set(key(sessionId), this.events.instanceId, 'PX', OWNER_TTL_MS);
          this.#unclaimed.delete(sessionId);
          continue;
        }
        const kept = await this.redis.eval(RENEW, 1, key(sessionId), this.events.instanceId, OWNER_TTL_MS);
        if (kept === 0) this.#held.delete(sessionId); // another instance claimed it since
      } catch (err) {
        this.log.debug({ err, sessionId }, 'media owners: renewal failed; next heartbeat retries');
      }
    }
  }

  private async release(sessionId: string): Promise<void> {
    await this.redis
      .eval(RELEASE, 1, key(sessionId), this.events.instanceId)
      .catch((err: unknown) =>
        this.log.debug({ err, sessionId }, 'media owners: release failed (expires anyway)'),
      );
  }
}
