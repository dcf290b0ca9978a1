import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { withLogContext } from '../lib/log-context.js';
import { type Metrics, UNMATCHED_ROUTE } from '../operations/metrics.js';

export const REQUEST_ID_HEADER = 'x-request-id';
/** What we accept from a proxy or client as a request id: short, and nothing a log reader could trip on. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the incoming X-Request-Id when well-formed (a proxy's, to follow one request across hops), else new. */
export function requestId(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && WELL_FORMED.test(sent) ? sent : randomUUID();
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The async scope the request's log context lives in (see installRequestContext). */
    logScope: AsyncResource | null;
  }
}

/**
 * Every request: its id in the logs of everything it causes (lib/log-context.ts), echoed as
 * X-Request-Id, and its latency in the metrics under its route pattern. Register before any hook
 * that logs. Fastify runs the pre-validation hooks and the handler from the request body's 'end'
 * event, outside the scope onRequest opened, so the scope is entered again there (as
 * @fastify/request-context does).
 */
export function installRequestContext(app: FastifyInstance, metrics: Metrics): void {
  app.decorateRequest('logScope', null);
  app.addHook('onRequest', (request, _reply, done) => {
    withLogContext({ reqId: request.id }, () => {
      request.logScope = new AsyncResource('sightline-request');
      request.logScope.runInAsyncScope(done);
    });
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.logScope) request.logScope.runInAsyncScope(done);
    else done();
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeHttp(
      request.method,
      request.routeOptions.url ?? UNMATCHED_ROUTE,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    request.logScope?.emitDestroy();
  });
}
