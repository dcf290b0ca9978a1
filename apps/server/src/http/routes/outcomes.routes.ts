import {
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  Outcome,
  OutcomeList,
  RecordOutcomeRequest,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { officerActor, sessionRead } from '../auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });

/** Pilot workflows' structured outcomes on a session: read with the session, recorded by those who run it. */
export const outcomeRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/sessions/:id/outcomes',
      {
        schema: { params: Params, response: { 200: OutcomeList } },
        config: { auth: { officer: true, permission: 'session:read' } },
      },
      async (request) => {
        const list = await c.outcomes.list(request.params.id);
        await c.reads.record(sessionRead(request, request.params.id, 'outcomes.read'));
        return list;
      },
    );
    app.post(
      '/api/sessions/:id/outcomes',
      {
        schema: {
          params: Params,
          body: RecordOutcomeRequest,
          // One press of Record: a retry (or a double tap) with the same key records nothing more.
          headers: z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKey.optional() }),
          response: { 201: Outcome },
        },
        config: { auth: { officer: true, permission: 'outcome:record' } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await c.outcomes.record(
              request.params.id,
              officerActor(request),
              request.body,
              request.ip,
              request.headers[IDEMPOTENCY_HEADER] ?? null,
            ),
          ),
    );
  };
