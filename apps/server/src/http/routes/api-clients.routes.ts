import { ApiClient, ApiClientKey, ApiClientList, CreateApiClientRequest } from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { officerActor } from '../auth-hooks.js';

const manage = { auth: { officer: true as const, permission: 'api-client:manage' as const } };
const byId = { params: z.object({ id: z.string().max(64) }) };

/** Admins manage the machine clients of /api/v1: create, rotate or revoke a key, disable. */
export const apiClientRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/api-clients',
      { schema: { response: { 200: ApiClientList } }, config: manage },
      async () => ({
        clients: await c.apiClients.list(),
      }),
    );
    app.post(
      '/api/api-clients',
      { schema: { body: CreateApiClientRequest, response: { 201: ApiClientKey } }, config: manage },
      async (request, reply) =>
        reply.status(201).send(await c.apiClients.create(request.body, officerActor(request), request.ip)),
    );
    app.post(
      '/api/api-clients/:id/rotate',
      { schema: { ...byId, response: { 200: ApiClientKey } }, config: manage },
      async (request) => c.apiClients.rotate(request.params.id, officerActor(request), request.ip),
    );
    for (const action of ['revoke', 'disable', 'enable'] as const)
      app.post(
        `/api/api-clients/:id/${action}`,
        { schema: { ...byId, response: { 200: ApiClient } }, config: manage },
        async (request) => c.apiClients[action](request.params.id, officerActor(request), request.ip),
      );
  };
