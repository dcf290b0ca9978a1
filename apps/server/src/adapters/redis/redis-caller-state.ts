import { CallerMediaState, OfficerRequestAction, QualityLevel } from '@sightline/protocol';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { CallerQuality, CallerStateStore, PendingRequest } from '../../signalling/caller-state.js';

const Pending = z.object({ sessionId: z.string(), action: OfficerRequestAction });
const Quality = z.object({ level: QualityLevel, kbps: z.number() });

/** A request the caller never answers is forgotten after this (the phone shows it only while connected). */
const REQUEST_TTL_MS = 10 * 60_000;
/** A session's state outlives any call; it is deleted when the session ends, or after this. */
const STATE_TTL_MS = 24 * 3_600_000;

/** HSET a field and return its previous value, in one step (one writer per session, but atomic anyway). */
const SWAP = `local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return old`;

const stateKey = (sessionId: string) => `sightline:caller:${sessionId}`;
const requestKey = (requestId: string) => `sightline:request:${requestId}`;

/** CallerStateStore in Redis, for several instances. Values are JSON, checked with zod when read back. */
export class RedisCallerState implements CallerStateStore {
  constructor(private readonly redis: Redis) {}

  async putRequest(requestId: string, r: PendingRequest): Promise<void> {
    await this.redis.set(requestKey(requestId), JSON.stringify(r), 'PX', REQUEST_TTL_MS);
  }

  async takeRequest(requestId: string): Promise<PendingRequest | null> {
    return parse(Pending, await this.redis.getdel(requestKey(requestId)));
  }

  async swapMedia(sessionId: string, state: CallerMediaState): Promise<CallerMediaState | null> {
    return parse(CallerMediaState, await this.swap(sessionId, 'media', state));
  }

  async swapQuality(sessionId: string, q: CallerQuality): Promise<QualityLevel | null> {
    return parse(Quality, await this.swap(sessionId, 'quality', q))?.level ?? null;
  }

  async current(sessionId: string) {
    const [media, quality] = await this.redis.hmget(stateKey(sessionId), 'media', 'quality');
    return { media: parse(CallerMediaState, media ?? null), quality: parse(Quality, quality ?? null) };
  }

  /** Pending requests are left to expire: the caller's socket closes with the session, so none is answered. */
  async forget(sessionId: string): Promise<void> {
    await this.redis.del(stateKey(sessionId));
  }

  private async swap(sessionId: string, field: string, value: unknown): Promise<string | null> {
    const old = await this.redis.eval(
      SWAP,
      1,
      stateKey(sessionId),
      field,
      JSON.stringify(value),
      STATE_TTL_MS,
    );
    return typeof old === 'string' ? old : null;
  }
}

function parse<T>(schema: z.ZodType<T>, raw: string | null): T | null {
  if (raw === null) return null;
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
