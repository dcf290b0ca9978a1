import {
  CancelSeriesRequest,
  CancelSeriesResponse,
  CheckList,
  CheckListQuery,
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  ScheduleChecksRequest,
  ScheduleChecksResponse,
} from '@sightline/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../auth/permissions.js';
import type { Container } from '../container.js';
import { officerActor } from '../http/auth-hooks.js';

const SeriesParams = z.object({ id: z.string().uuid() });

/** Scheduling is a few presses an hour; a burst is a script or a stuck button (texts are limited separately). */
const PER_OFFICER = {
  max: 20,
  timeWindow: '1 minute',
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `checks:${request.officer?.id ?? request.ip}`,
};

/** Whether this officer sees (and may cancel) every officer's checks. */
const seesAll = (request: FastifyRequest) => can(request.officer?.roles ?? [], 'check:read-all');

/** Scheduled bail and court-order checks: schedule a series, list upcoming and missed, cancel the rest. */
export const checkRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/checks',
      {
        schema: {
          body: ScheduleChecksRequest,
          headers: z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKey.optional() }),
          response: { 201: ScheduleChecksResponse },
        },
        config: { auth: { officer: true, permission: 'check:schedule' }, rateLimit: PER_OFFICER },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await c.checks.schedule(
              request.body,
              officerActor(request),
              request.ip,
              request.headers[IDEMPOTENCY_HEADER] ?? null,
            ),
          ),
    );

    app.get(
      '/api/checks',
      {
        schema: { querystring: CheckListQuery, response: { 200: CheckList } },
        config: { auth: { officer: true, permission: 'check:read' } },
      },
      async (request) => {
        const checks = await c.checks.list(request.query, officerActor(request), seesAll(request));
        // Subjects' names and masked numbers: a read of personal data.
        await c.reads.record({
          actor: officerActor(request),
          action: 'check.list',
          subject: { type: 'checks', id: request.query.scope },
          detail: { count: checks.length, status: request.query.status ?? null },
          ip: request.ip,
        });
        return { checks };
      },
    );

    app.post(
      '/api/checks/series/:id/cancel',
      {
        schema: { params: SeriesParams, body: CancelSeriesRequest, response: { 200: CancelSeriesResponse } },
        config: { auth: { officer: true, permission: 'check:schedule' } },
      },
      async (request) => ({
        cancelled: await c.checks.cancelSeries(
          request.params.id,
          request.body.reason,
          officerActor(request),
          seesAll(request),
          request.ip,
        ),
      }),
    );
  };
