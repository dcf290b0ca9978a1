import type { Redis } from 'ioredis';
import type { Clock } from '../adapters/clock.js';
import type { Random } from '../adapters/random.js';
import { RedisCallerState } from '../adapters/redis/redis-caller-state.js';
import { RedisConnections } from '../adapters/redis/redis-connections.js';
import { RedisPresenceStore } from '../adapters/redis/redis-presence.js';
import { RedisSessionOwners } from '../adapters/redis/redis-session-owners.js';
import { RedisStreamTransport } from '../adapters/redis/redis-stream-transport.js';
import type { Logger } from '../lib/logger.js';
import type { MediaGateway } from '../media/media-gateway.js';
import { MediaRpcMethods } from '../media/media-rpc.js';
import { RoutedMediaGateway } from '../media/routed-media-gateway.js';
import { MemoryPresenceStore, type PresenceStore } from '../presence/presence-store.js';
import { type CallerStateStore, MemoryCallerState } from '../signalling/caller-state.js';
import { BusRpc } from './bus-rpc.js';
import { EventBus } from './event-bus.js';

/** What the rest of the server needs to work as one of several instances, or alone. */
export interface Cluster {
  events: EventBus;
  /** The general Redis client (fails fast while Redis is down), or null with one instance. */
  redis: Redis | null;
  callerState: CallerStateStore;
  /** Who watches which session, from every instance's consoles. */
  presence: PresenceStore;
  /** Signalling's way to the media: this instance's own, or relayed to the session's owner. */
  gateway(local: MediaGateway): MediaGateway;
  /** Starts renewing this instance's claims on the sessions whose media it holds. */
  start(): void;
  /** Gives up claims, fails relayed calls still waiting, and disconnects from Redis. */
  stop(): Promise<void>;
}

/**
 * One instance (no Redis URL): events stay in this process and nothing is relayed, as
 * before there were several. With Redis: events through a Redis stream, shared caller
 * state, session owners and the media relay. Refuses to start if Redis does not answer.
 */
export async function connectCluster(
  o: { redisUrl: string | null; instanceId: string },
  clock: Clock,
  random: Random,
  log: Logger,
): Promise<Cluster> {
  if (!o.redisUrl) {
    const events = new EventBus(o.instanceId, log, null, clock);
    return {
      events,
      redis: null,
      callerState: new MemoryCallerState(),
      presence: new MemoryPresenceStore(),
      gateway: (local) => local,
      start() {},
      async stop() {},
    };
  }
  const redis = new RedisConnections(o.redisUrl, clock, log);
  await redis.connect();
  const events = new EventBus(o.instanceId, log, new RedisStreamTransport(redis, log), clock);
  await events.start();
  const owners = new RedisSessionOwners(redis.main, events, log);
  const rpc = new BusRpc(events, MediaRpcMethods, random, log.child({ component: 'media-rpc' }));
  log.info({ redis: redis.where, instanceId: o.instanceId }, 'events: sharing events with other instances');
  return {
    events,
    redis: redis.main,
    callerState: new RedisCallerState(redis.main),
    presence: new RedisPresenceStore(redis.main),
    gateway: (local) => new RoutedMediaGateway(local, owners, rpc, events),
    start: () => owners.start(),
    async stop() {
      await owners.stop();
      rpc.stop();
      await events.stop();
      await redis.close();
    },
  };
}
