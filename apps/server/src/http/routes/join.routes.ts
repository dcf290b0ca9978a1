import { JoinOpenRequest, JoinOpenResponse } from '@sightline/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import { CALLER_COOKIE } from '../auth-hooks.js';

/**
 * The caller's link. GET /j/<token> only serves the page (the same bytes for
 * every token), so link scanners and SMS previews cannot use the link up; the
 * page's script claims it with POST /api/join/open.
 */
export const joinRoutes =
  (
    c: Container,
    sendJoinPage: (request: FastifyRequest, reply: FastifyReply) => unknown,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/j/:token',
      { config: { auth: { public: true }, rateLimit: { max: 60, timeWindow: '1 minute' } } },
      async (request, reply) => {
        reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
        return sendJoinPage(request, reply);
      },
    );

    app.post(
      '/api/join/open',
      {
        schema: { body: JoinOpenRequest, response: { 200: JoinOpenResponse } },
        config: { auth: { public: true }, rateLimit: { max: 20, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const { newSecret, secretMaxAgeMs } = await c.sessions.openLink(
          request.body.token,
          request.cookies[CALLER_COOKIE],
          {
            userAgent: request.headers['user-agent'] ?? null,
            ip: request.ip,
          },
        );
        if (newSecret) {
          reply.setCookie(CALLER_COOKIE, newSecret, {
            path: '/',
            httpOnly: true,
            sameSite: 'strict',
            secure: c.config.secureCookies,
            // As long as the server accepts it (a long location-only link's whole window).
            maxAge: Math.floor(secretMaxAgeMs / 1000),
          });
        }
        reply.header('cache-control', 'no-store');
        return { ok: true as const };
      },
    );
  };
