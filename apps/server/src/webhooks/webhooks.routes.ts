import {
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointList,
  WebhookSecretGrant,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../container.js';
import { officerActor } from '../http/auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });
const manage = { auth: { officer: true as const, permission: 'webhook:manage' as const } };

/** Webhook endpoints (admins): list, create, change, rotate the secret; deliveries and manual retry. */
export const webhookRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/webhooks',
      { schema: { response: { 200: WebhookEndpointList } }, config: manage },
      async () => ({
        endpoints: await c.webhooks.list(),
      }),
    );

    app.post(
      '/api/webhooks',
      { schema: { body: WebhookEndpointInput, response: { 201: WebhookSecretGrant } }, config: manage },
      async (request, reply) =>
        reply.status(201).send(await c.webhooks.create(request.body, officerActor(request), request.ip)),
    );

    app.put(
      '/api/webhooks/:id',
      {
        schema: { params: Params, body: WebhookEndpointInput, response: { 200: WebhookEndpoint } },
        config: manage,
      },
      async (request) =>
        c.webhooks.update(request.params.id, request.body, officerActor(request), request.ip),
    );

    app.post(
      '/api/webhooks/:id/rotate-secret',
      { schema: { params: Params, response: { 200: WebhookSecretGrant } }, config: manage },
      async (request) => c.webhooks.rotate(request.params.id, officerActor(request), request.ip),
    );

    app.get(
      '/api/webhooks/deliveries',
      {
        schema: { querystring: WebhookDeliveryQuery, response: { 200: WebhookDeliveryList } },
        config: manage,
      },
      async (request) => ({ deliveries: await c.webhooks.deliveries(request.query) }),
    );

    app.post(
      '/api/webhooks/deliveries/:id/retry',
      { schema: { params: Params, response: { 200: WebhookDelivery } }, config: manage },
      async (request) => c.webhooks.retry(request.params.id, officerActor(request), request.ip),
    );
  };
