import { AuthState, LoginRequest, LoginResult, LogoutResult } from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENROL_STEP_MS, MFA_STEP_MS } from '../../auth/auth.service.js';
import type { Container } from '../../container.js';
import { CSRF_HEADER, OFFICER_COOKIE, officerActor } from '../auth-hooks.js';
import { MFA_COOKIE, setSessionCookie } from './sign-in.routes.js';

/** Sign-in, sign-out and "who am I". */
export const authRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/auth/login',
      {
        schema: { body: LoginRequest, response: { 200: LoginResult } },
        // A coarse flood guard per address, generous for a station behind one NAT address; the
        // real limits on guessing are per account and per address in auth/login-throttle.ts.
        config: { auth: { public: true }, rateLimit: { max: 120, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const s = await c.auth.passwordSignIn(request.body.username, request.body.password, request.ip);
        if ('step' in s) {
          // The password was right; the second step has its own short-lived cookie, sent only to its routes.
          reply.setCookie(MFA_COOKIE, s.challenge, {
            path: '/api/auth/mfa',
            httpOnly: true,
            sameSite: 'strict',
            secure: c.config.secureCookies,
            maxAge: Math.round((s.step === 'code' ? MFA_STEP_MS : ENROL_STEP_MS) / 1000),
          });
          return { mfa: s.step };
        }
        setSessionCookie(c, reply, s);
        return { officer: s.officer, csrfToken: s.csrfToken };
      },
    );

    app.post(
      '/api/auth/logout',
      {
        schema: { response: { 200: LogoutResult } },
        config: { auth: { officer: true } },
      },
      async (request, reply) => {
        const cookie = request.cookies[OFFICER_COOKIE];
        const ended = cookie ? await c.auth.logout(cookie, request.officer!, request.ip) : null;
        reply.clearCookie(OFFICER_COOKIE, { path: '/' });
        // Signed in through the identity provider: the console sends the browser to its sign-out too.
        const endSessionUrl =
          ended && c.sso ? await c.sso.endSessionUrl(ended.ssoIdToken, ended.sessionKey) : null;
        return { ok: true as const, ...(endSessionUrl ? { endSessionUrl } : {}) };
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
