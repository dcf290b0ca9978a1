import {
  API_DEFAULT_RATE_PER_MINUTE,
  ApiEndSessionRequest,
  ApiEndSessionResult,
  ApiError,
  ApiIdParams,
  ApiIncident,
  ApiInviteRequest,
  ApiSessionDetail,
  ApiSessionResult,
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  OAuthError,
  OAuthToken,
  OAuthTokenRequest,
} from '@sightline/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { apiClient } from '../auth-hooks.js';

/**
 * The versioned machine API for CAD and other systems (docs/api.md). Clients authenticate with
 * `Authorization: Bearer <API key or access token>`; each route names the scope it needs.
 */
export const apiV1Routes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(oauthRoutes(c));
    // One counter per client across every /api/v1 route, at the client's own per-minute limit
    // (in Redis when configured, so the limit holds across instances). A route-level onRequest hook
    // runs after the app-level one that authenticates, and before the body is parsed.
    const perClient = app.rateLimit({
      timeWindow: 60_000,
      max: (request: FastifyRequest) => request.apiClient?.ratePerMinute ?? API_DEFAULT_RATE_PER_MINUTE,
      keyGenerator: (request: FastifyRequest) => `api-client:${request.apiClient?.id ?? request.ip}`,
    });

    app.post(
      '/api/v1/invites',
      {
        schema: {
          summary: 'Text a caller a link for a call handler',
          description:
            'Creates a session and texts its link, as the call handler named by username would from the console ' +
            '(same validation, per-number limits and SMS gateway). Send an Idempotency-Key so a retry sends no second text.',
          tags: ['v1 invites'],
          operationId: 'createInvite',
          body: ApiInviteRequest,
          headers: z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKey.optional() }),
          response: { 201: ApiSessionResult },
        },
        config: { auth: { client: true, scope: 'invites:write' } },
        onRequest: perClient,
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await c.machineApi.invite(
              apiClient(request),
              request.body,
              request.ip,
              request.headers[IDEMPOTENCY_HEADER] ?? null,
            ),
          ),
    );

    app.get(
      '/api/v1/sessions/:id',
      {
        schema: {
          summary: "A session's state, latest location and evidence list",
          tags: ['v1 sessions'],
          operationId: 'getSession',
          params: ApiIdParams,
          response: { 200: ApiSessionDetail },
        },
        config: { auth: { client: true, scope: 'sessions:read' } },
        onRequest: perClient,
      },
      async (request) => c.machineApi.session(apiClient(request), request.params.id, request.ip),
    );

    app.post(
      '/api/v1/sessions/:id/end',
      {
        schema: {
          summary: 'End a session',
          description:
            'Idempotent: ending an ended session returns it unchanged. Answers with the state only ' +
            '(reading a session needs sessions:read).',
          tags: ['v1 sessions'],
          operationId: 'endSession',
          params: ApiIdParams,
          body: ApiEndSessionRequest,
          response: { 200: ApiEndSessionResult },
        },
        config: { auth: { client: true, scope: 'sessions:end' } },
        onRequest: perClient,
      },
      async (request) =>
        c.machineApi.end(apiClient(request), request.params.id, request.body?.reason, request.ip),
    );

    app.get(
      '/api/v1/incidents/:id',
      {
        schema: {
          summary: "An incident's summary: its sessions, their states and latest locations",
          tags: ['v1 incidents'],
          operationId: 'getIncident',
          params: ApiIdParams,
          response: { 200: ApiIncident },
        },
        config: { auth: { client: true, scope: 'incidents:read' } },
        onRequest: perClient,
      },
      async (request) => c.machineApi.incident(apiClient(request), request.params.id, request.ip),
    );
  };

/** OAuth 2 client credentials (RFC 6749 §4.4), answering in its own error format (§5.2). */
const oauthRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    // Form-encoded bodies, for this route only (RFC 6749 §4.4.2). A repeated parameter becomes a
    // list, which the schema refuses: §3.2 says parameters must not be included more than once.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, formFields(body as string)),
    );
    const failures = app.clientAuthFailures;
    app.post(
      '/api/v1/oauth/token',
      {
        schema: {
          summary: 'Exchange client credentials for an access token',
          description:
            'grant_type=client_credentials, form-encoded; client_secret_basic or client_secret_post. ' +
            'Tokens last 10 minutes; `scope` may narrow the client’s scopes.',
          tags: ['v1 auth'],
          operationId: 'createToken',
          body: OAuthTokenRequest,
          // A body that is not a form or JSON at all gets the server's usual error body.
          response: { 200: OAuthToken, 400: z.union([OAuthError, ApiError]), 401: OAuthError },
        },
        // Fields that fail the schema are answered as §5.2 invalid_request, below.
        attachValidation: true,
        config: { auth: { public: true }, rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        if (request.validationError)
          return reply.status(400).send({
            error: 'invalid_request',
            error_description: invalidForm(request.body, request.validationError.message),
          } satisfies OAuthError);
        await failures.check(request, reply);
        const answer = await c.apiClients.issueToken(request.body, request.headers.authorization, request.ip);
        if (answer.ok) return reply.send(answer.token);
        if (answer.status === 401) {
          await failures.failed(request);
          request.log.warn(
            { clientId: request.body.client_id ?? null },
            'OAuth client authentication failed',
          );
          reply.header('www-authenticate', 'Basic realm="sightline-api"');
        }
        return reply.status(answer.status).send(answer.error);
      },
    );
  };

/** A form's fields; a name sent more than once maps to the list of its values. */
function formFields(body: string): Record<string, string | string[]> {
  // No prototype: a field named __proto__ or constructor is just a field.
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(body)) {
    const had = fields[name];
    fields[name] = had === undefined ? value : [had, value].flat();
  }
  return fields;
}

/** The error_description for a token request the schema refused. */
function invalidForm(body: unknown, detail: string): string {
  const repeated = Object.entries(body ?? {}).filter(([, v]) => Array.isArray(v));
  return repeated.length > 0
    ? `parameters sent more than once: ${repeated.map(([k]) => k).join(', ')}`
    : `malformed request: ${detail}`;
}
