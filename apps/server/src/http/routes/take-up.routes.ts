import {
  AccountChangeResult,
  CallerEnvironmentReport,
  CallerFeedbackRequest,
  CallerFeedbackResult,
  SetTeamRequest,
  TakeUpQuery,
  TakeUpReport,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { officerActor } from '../auth-hooks.js';

/** Take-up and feedback: the caller's answer, the page's browser report, teams and the supervisors' report. */
export const takeUpRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    // Once per link (the service refuses a second answer); the limit stops a flood of attempts.
    app.post(
      '/api/join/feedback',
      {
        schema: { body: CallerFeedbackRequest, response: { 201: CallerFeedbackResult } },
        config: { auth: { caller: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        await c.takeUp.feedback(request.callerSessionId!, request.body);
        return reply.status(201).send({ ok: true as const });
      },
    );

    // Public: the link's token is the credential, and the link is not claimed by this report.
    app.post(
      '/api/join/environment',
      {
        schema: { body: CallerEnvironmentReport },
        config: { auth: { public: true }, rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        await c.takeUp.environment(request.body);
        return reply.status(204).send();
      },
    );

    app.put(
      '/api/officers/:id/team',
      {
        schema: {
          params: z.object({ id: z.string().max(64) }),
          body: SetTeamRequest,
          response: { 200: AccountChangeResult },
        },
        config: { auth: { officer: true, permission: 'officer:manage' } },
      },
      async (request) =>
        c.officers.setTeam(request.params.id, request.body.team, request.body.reason, officerActor(request)),
    );

    const report = { auth: { officer: true as const, permission: 'report:take-up' as const } };
    app.get(
      '/api/reports/take-up',
      { schema: { querystring: TakeUpQuery, response: { 200: TakeUpReport } }, config: report },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return c.takeUp.report(officerActor(request), request.query, request.ip);
      },
    );
    app.get(
      '/api/reports/take-up.csv',
      { schema: { querystring: TakeUpQuery }, config: report },
      async (request, reply) => {
        const q = request.query;
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="take-up-${q.from}-to-${q.to}-${q.period}.csv"`,
          )
          .header('cache-control', 'no-store')
          .send(await c.takeUp.csv(officerActor(request), q, request.ip));
      },
    );
  };
