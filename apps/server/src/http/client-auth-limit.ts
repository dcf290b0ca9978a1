import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../lib/errors.js';

/**
 * Failed machine-client authentications (bad, revoked or disabled keys and tokens, invalid_client)
 * one address may make a minute; past it every client credential from there is refused (429)
 * until the minute is up, so a key or secret cannot be guessed at speed.
 */
export const CLIENT_AUTH_FAILURES_PER_MINUTE = 20;

declare module 'fastify' {
  interface FastifyInstance {
    /** The one counter of failed client authentications (each limiter made has its own memory). */
    clientAuthFailures: ClientAuthLimit;
  }
}

/** Counts failed client authentications per IP, in the rate-limit store (Redis when configured). */
export interface ClientAuthLimit {
  /** Throws `rate_limited` (with Retry-After) while this address is past its failures. */
  check(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts one failure from this address. */
  failed(request: FastifyRequest): Promise<void>;
}

/** The limit, on the app's @fastify/rate-limit store (registered before this is called). */
export function clientAuthLimit(app: FastifyInstance): ClientAuthLimit {
  const limiter = app.createRateLimit({
    max: CLIENT_AUTH_FAILURES_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) => `api-auth-failed:${request.ip}`,
  });
  return {
    async check(request, reply) {
      const r = await limiter(request, { increment: false });
      if (r.isAllowed || r.remaining > 0) return;
      reply.header('retry-after', Math.max(1, r.ttlInSeconds));
      throw new DomainError('rate_limited', 'too many failed client authentications; wait a minute');
    },
    async failed(request) {
      await limiter(request);
    },
  };
}
