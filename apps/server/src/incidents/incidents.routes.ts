import {
  AddIncidentSessionRequest,
  CreateIncidentRequest,
  CreateInviteRequest,
  ExportJob,
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  IncidentDetail,
  IncidentExportRequest,
  IncidentList,
  IncidentSummary,
  SessionSummary,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../container.js';
import { officerActor } from '../http/auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });

/** Incidents: several callers' sessions on one page, one map, one timeline and one export. */
export const incidentRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/incidents',
      {
        schema: {
          querystring: z.object({
            open: z.enum(['true', 'false']).default('true'),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: IncidentList },
        },
        config: { auth: { officer: true, permission: 'incident:read' } },
      },
      async (request) => ({
        incidents: await c.incidents.list({
          open: request.query.open === 'true',
          limit: request.query.limit,
        }),
      }),
    );

    app.post(
      '/api/incidents',
      {
        schema: { body: CreateIncidentRequest, response: { 201: IncidentSummary } },
        config: { auth: { officer: true, permission: 'incident:create' } },
      },
      async (request, reply) =>
        reply.status(201).send(await c.incidents.create(request.body, officerActor(request), request.ip)),
    );

    app.get(
      '/api/incidents/:id',
      {
        schema: { params: Params, response: { 200: IncidentDetail } },
        config: { auth: { officer: true, permission: 'incident:read' } },
      },
      async (request) => c.incidents.detail(request.params.id, officerActor(request), request.ip),
    );

    app.post(
      '/api/incidents/:id/sessions',
      {
        schema: { params: Params, body: AddIncidentSessionRequest, response: { 200: IncidentSummary } },
        config: { auth: { officer: true, permission: 'incident:manage' } },
      },
      async (request) =>
        c.incidents.addSession(request.params.id, request.body.sessionId, officerActor(request), request.ip),
    );

    app.delete(
      '/api/sessions/:id/incident',
      {
        schema: { params: Params, response: { 200: z.object({ session: SessionSummary }) } },
        config: { auth: { officer: true, permission: 'incident:manage' } },
      },
      async (request) => ({
        session: await c.incidents.removeSession(request.params.id, officerActor(request), request.ip),
      }),
    );

    app.post(
      '/api/incidents/:id/invites',
      {
        schema: {
          params: Params,
          body: CreateInviteRequest,
          // One press of Send, as for any invite: a retry with the same key sends nothing.
          headers: z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKey.optional() }),
          response: { 201: z.object({ session: SessionSummary, link: z.string().url() }) },
        },
        config: { auth: { officer: true, permission: 'incident:manage' } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await c.incidents.invite(
              request.params.id,
              request.body,
              officerActor(request),
              request.ip,
              request.headers[IDEMPOTENCY_HEADER] ?? null,
            ),
          ),
    );

    app.post(
      '/api/incidents/:id/close',
      {
        schema: { params: Params, response: { 200: IncidentSummary } },
        config: { auth: { officer: true, permission: 'incident:manage' } },
      },
      async (request) => c.incidents.close(request.params.id, officerActor(request), request.ip),
    );

    app.post(
      '/api/incidents/:id/exports',
      {
        schema: { params: Params, body: IncidentExportRequest, response: { 202: ExportJob } },
        config: { auth: { officer: true, permission: 'evidence:export' } },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(
            await c.incidents.export(
              request.params.id,
              request.body.reason,
              officerActor(request),
              request.ip,
            ),
          ),
    );
  };
