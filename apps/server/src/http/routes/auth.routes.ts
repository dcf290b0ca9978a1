import { AuthState, LoginRequest } from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { CSRF_HEADER, OFFICER_COOKIE, officerActor } from '../auth-hooks.js';

/** Sign-in, sign-out and "who am I". */
export const authRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/auth/login',
      {
        schema: { body: LoginRequest, response: { 200: AuthState } },
        // A coarse flood guard per address, generous for a station behind one NAT address; the
        // real limits on guessing are per account and per address in auth/login-throttle.ts.
        config: { auth: { public: true }, rateLimit: { max: 120, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const s = await c.auth.login(request.body.username, request.body.password, request.ip);
        reply.setCookie(OFFICER_COOKIE, s.cookie, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: c.config.secureCookies,
          expires: new Date(s.expiresAt),
        });
        return { officer: s.officer, csrfToken: s.csrfToken };
      },
    );

    app.post(
      '/api/auth/logout',
      {
        schema: { response: { 200: z.object({ ok: z.literal(true) }) } },
        config: { auth: { officer: true } },
      },
      async (request, reply) => {
        const cookie = request.cookies[OFFICER_COOKIE];
        if (cookie) await c.auth.logout(cookie, request.officer!, request.ip);
        reply.clearCookie(OFFICER_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/auth/me',
      { schema: { response: { 200: AuthState } }, config: { auth: { officer: true } } },
      async (request, reply) => {
        officerActor(request);
        reply.header('cache-control', 'no-store');
        return { officer: request.officer!, csrfToken: request.csrfToken! };
      },
    );
  };

export { CSRF_HEADER };
