import { Watcher } from '@sightline/protocol';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { PresenceEntry, PresenceStore } from '../../presence/presence-store.js';

/**
 * An instance that stops renewing (it died) stops counting after this: three missed
 * heartbeats (PRESENCE_HEARTBEAT_MS), as with the media owner keys.
 */
const PRESENCE_TTL_MS = 15_000;

const INDEX = 'sightline:presence:instances';
const listKey = (instanceId: string) => `sightline:presence:${instanceId}`;
const Entries = z.array(Watcher.extend({ sessionId: z.string() }));

/**
 * Presence in Redis: each instance's watchers as one JSON value with a TTL, and a sorted set
 * of instances scored by when their list expires, so a reader finds every list without
 * scanning keys. A dead instance's key expires by itself; its index entry is pruned by the
 * next reader. Values are checked with zod when read back.
 */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs = PRESENCE_TTL_MS,
  ) {}

  async put(instanceId: string, entries: readonly PresenceEntry[]): Promise<void> {
    await this.redis
      .multi()
      .set(listKey(instanceId), JSON.stringify(entries), 'PX', this.ttlMs)
      .zadd(INDEX, Date.now() + this.ttlMs, instanceId)
      .exec();
  }

  async all(): Promise<PresenceEntry[]> {
    await this.redis.zremrangebyscore(INDEX, '-inf', Date.now());
    const instances = await this.redis.zrange(INDEX, 0, -1);
    if (!instances.length) return [];
    const lists = await this.redis.mget(...instances.map(listKey));
    return lists.flatMap((raw) => parse(raw));
  }

  async remove(instanceId: string): Promise<void> {
    await this.redis.multi().del(listKey(instanceId)).zrem(INDEX, instanceId).exec();
  }
}

function parse(raw: string | null): PresenceEntry[] {
  if (raw === null) return [];
  try {
    const r = Entries.safeParse(JSON.parse(raw));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
}
