import {
  InterpreterInvite,
  InterpreterInviteCreated,
  InterpreterInviteList,
  InterpreterInviteRequest,
  InterpreterOpenRequest,
  InterpreterOpenResponse,
} from '@sightline/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../container.js';
import { assertSameOrigin, INTERPRETER_COOKIE, officerActor } from '../http/auth-hooks.js';

const manage = { auth: { officer: true as const, permission: 'interpreter:manage' as const } };
const byId = { params: z.object({ id: z.string().max(64) }) };
/** The device secret outlives the open window: an interpreter may be in a call for hours. */
const DEVICE_SECRET_MAX_AGE_S = 12 * 3600;

/**
 * Interpreters in a live call: officers invite, list and remove them; the interpreter's browser
 * opens its link (GET /i/<token> serves the page only; its script claims the link with
 * POST /api/interpreter/open, so link scanners cannot use it up) and talks on /ws/interpreter.
 */
export const interpreterRoutes =
  (
    c: Container,
    sendInterpreterPage: (request: FastifyRequest, reply: FastifyReply) => unknown,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/sessions/:id/interpreters',
      {
        schema: { ...byId, body: InterpreterInviteRequest, response: { 201: InterpreterInviteCreated } },
        config: { ...manage, rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const created = await c.interpreters.invite(
          officerActor(request),
          request.params.id,
          request.body,
          request.ip,
        );
        reply.status(201).header('cache-control', 'no-store');
        return created;
      },
    );

    app.get(
      '/api/sessions/:id/interpreters',
      {
        schema: { ...byId, response: { 200: InterpreterInviteList } },
        config: { auth: { officer: true, permission: 'session:read' } },
      },
      async (request) => {
        const invites = await c.interpreters.list(request.params.id);
        // Interpreters' names and bookings are personal data: the read is audited.
        await c.reads.record({
          actor: officerActor(request),
          action: 'interpreter.list',
          subject: { type: 'session', id: request.params.id },
          content: invites.map((i) => `${i.id}:${i.state}`).join(','),
          ip: request.ip,
        });
        return { invites };
      },
    );

    app.post(
      '/api/interpreters/:id/remove',
      { schema: { ...byId, response: { 200: InterpreterInvite } }, config: manage },
      async (request) => c.interpreters.remove(officerActor(request), request.params.id, request.ip),
    );

    app.get(
      '/i/:token',
      { config: { auth: { public: true }, rateLimit: { max: 30, timeWindow: '1 minute' } } },
      async (request, reply) => {
        reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
        return sendInterpreterPage(request, reply);
      },
    );

    app.post(
      '/api/interpreter/open',
      {
        schema: { body: InterpreterOpenRequest, response: { 200: InterpreterOpenResponse } },
        config: { auth: { public: true }, rateLimit: { max: 10, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const { newSecret } = await c.interpreters.open(
          request.body.token,
          request.cookies[INTERPRETER_COOKIE],
          request.ip,
        );
        if (newSecret)
          reply.setCookie(INTERPRETER_COOKIE, newSecret, {
            path: '/',
            httpOnly: true,
            sameSite: 'strict',
            secure: c.config.secureCookies,
            maxAge: DEVICE_SECRET_MAX_AGE_S,
          });
        reply.header('cache-control', 'no-store');
        return { ok: true as const };
      },
    );

    app.get(
      '/ws/interpreter',
      {
        websocket: true,
        config: { auth: { interpreter: true }, rateLimit: { max: 20, timeWindow: '1 minute' } },
        preValidation: async (request) => assertSameOrigin(request),
      },
      (socket, request) => {
        void c.interpreterSockets.accept(socket, request.interpreterId!, request.ip).catch((err: unknown) => {
          request.log.error({ err }, 'interpreter socket setup failed');
          socket.close(1011, 'server error');
        });
      },
    );
  };
