import {
  DistressMark,
  DistressMarkRequest,
  ExposureReportRequest,
  ExposureReportResult,
  WellbeingQuery,
  WellbeingReport,
} from '@sightline/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import { officerActor } from '../auth-hooks.js';

/**
 * Counted per officer, after sign-in (so a control room behind one address is not one bucket):
 * a batch every few seconds per page, marks, and the odd flush on leaving a page.
 */
const PER_OFFICER = {
  max: 60,
  timeWindow: '1 minute',
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `exposure:${request.officer?.id ?? request.ip}`,
};

/** Protecting the people who watch: the exposure log, distressing marks and the wellbeing view. */
export const exposureRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/exposure/intervals',
      {
        schema: { body: ExposureReportRequest, response: { 200: ExposureReportResult } },
        config: { auth: { officer: true, permission: 'exposure:report' }, rateLimit: PER_OFFICER },
      },
      async (request) => ({
        counted: await c.exposure.report(officerActor(request), request.body.intervals),
      }),
    );

    app.post(
      '/api/exposure/marks',
      {
        schema: { body: DistressMarkRequest, response: { 201: DistressMark } },
        config: { auth: { officer: true, permission: 'exposure:report' }, rateLimit: PER_OFFICER },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await c.exposure.mark(
              officerActor(request),
              request.officer?.roles ?? [],
              request.body,
              request.ip,
            ),
          ),
    );

    // The officer's own exposure: their own data, so any signed-in officer; audited like any read of it.
    app.get(
      '/api/exposure/mine',
      {
        schema: { querystring: WellbeingQuery, response: { 200: WellbeingReport } },
        config: { auth: { officer: true } },
      },
      async (request) => c.exposure.mine(officerActor(request), request.query.days, request.ip),
    );

    app.get(
      '/api/wellbeing',
      {
        schema: { querystring: WellbeingQuery, response: { 200: WellbeingReport } },
        config: { auth: { officer: true, permission: 'wellbeing:read' } },
      },
      async (request) => c.exposure.wellbeing(officerActor(request), request.query.days, request.ip),
    );
  };
