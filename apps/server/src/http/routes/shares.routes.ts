import {
  CreateShareRequest,
  FieldOfficerList,
  FieldShare,
  FieldShareList,
  Share,
  ShareList,
} from '@sightline/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../auth/permissions.js';
import type { Container } from '../../container.js';
import { forbidden } from '../../lib/errors.js';
import { officerActor } from '../auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });

/** Sharing a session or an incident with field officers (control room), and a field officer's own shares. */
export const shareRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/field-officers',
      {
        schema: { response: { 200: FieldOfficerList } },
        config: { auth: { officer: true, permission: 'share:manage' } },
      },
      async () => ({ officers: await c.shares.fieldOfficers() }),
    );

    app.get(
      '/api/sessions/:id/shares',
      {
        schema: { params: Params, response: { 200: ShareList } },
        config: { auth: { officer: true, permission: 'share:manage' } },
      },
      async (request) => ({ shares: await c.shares.forSession(request.params.id) }),
    );

    app.post(
      '/api/sessions/:id/shares',
      {
        schema: { params: Params, body: CreateShareRequest, response: { 201: ShareList } },
        config: { auth: { officer: true, permission: 'share:manage' } },
      },
      async (request, reply) => {
        const shares = await c.shares.create(
          { sessionId: request.params.id },
          request.body.officerIds,
          request.body.durationSeconds,
          officerActor(request),
          request.ip,
        );
        return reply.status(201).send({ shares });
      },
    );

    // An incident share: share:manage, and reading the incident (what is shared is all of it).
    const incidentReader = { officer: true, permission: 'share:manage' } as const;
    const mayReadIncident = (request: FastifyRequest) => {
      if (!can(request.officer?.roles ?? [], 'incident:read')) throw forbidden();
    };

    app.get(
      '/api/incidents/:id/shares',
      {
        schema: { params: Params, response: { 200: ShareList } },
        config: { auth: incidentReader },
      },
      async (request) => {
        mayReadIncident(request);
        return { shares: await c.shares.forIncident(request.params.id) };
      },
    );

    app.post(
      '/api/incidents/:id/shares',
      {
        schema: { params: Params, body: CreateShareRequest, response: { 201: ShareList } },
        config: { auth: incidentReader },
      },
      async (request, reply) => {
        mayReadIncident(request);
        const shares = await c.shares.create(
          { incidentId: request.params.id },
          request.body.officerIds,
          request.body.durationSeconds,
          officerActor(request),
          request.ip,
        );
        return reply.status(201).send({ shares });
      },
    );

    app.post(
      '/api/shares/:id/revoke',
      {
        schema: { params: Params, response: { 200: z.object({ share: Share }) } },
        config: { auth: { officer: true, permission: 'share:manage' } },
      },
      async (request) => ({
        share: await c.shares.revoke(request.params.id, officerActor(request), request.ip),
      }),
    );

    app.get(
      '/api/field/shares',
      {
        schema: { response: { 200: FieldShareList } },
        config: { auth: { officer: true, permission: 'share:use' } },
      },
      async (request) => ({ shares: await c.shares.mine(officerActor(request), request.ip) }),
    );

    app.get(
      '/api/field/shares/:id',
      {
        schema: { params: Params, response: { 200: FieldShare } },
        config: { auth: { officer: true, permission: 'share:use' } },
      },
      async (request) => c.shares.open(request.params.id, officerActor(request), request.ip),
    );
  };
