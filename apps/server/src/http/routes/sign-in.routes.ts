import {
  AccountChangeRequest,
  MfaCodeRequest,
  MfaEnrolment,
  MfaPolicyRequest,
  MfaSignedIn,
  MyMfaStatus,
  RecoveryCodes,
  SignInOptions,
  SignInSettings,
} from '@sightline/protocol';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SignedIn } from '../../auth/auth.service.js';
import { NO_PASSWORD } from '../../auth/oidc/sso.service.js';
import type { Container } from '../../container.js';
import { DomainError, notFound } from '../../lib/errors.js';
import { OFFICER_COOKIE, officerActor } from '../auth-hooks.js';

export const MFA_COOKIE = 'sl_mfa';
export const OIDC_COOKIE = 'sl_oidc';

/** Public sign-in steps are flood-guarded per address; guessing is limited per account by LoginThrottle. */
// As generous as the password route's: a whole station signs in through one NAT address at shift change.
const PUBLIC = { auth: { public: true as const }, rateLimit: { max: 120, timeWindow: '1 minute' } };
const MANAGE = { auth: { officer: true as const, permission: 'officer:manage' as const } };

/** Sets the officer's session cookie (as the password route does). */
export function setSessionCookie(c: Container, reply: FastifyReply, s: SignedIn): void {
  reply.setCookie(OFFICER_COOKIE, s.cookie, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: c.config.secureCookies,
    expires: new Date(s.expiresAt),
  });
}

/** The code step after a password, single sign-on, the officer's own MFA, and the admin's sign-in settings. */
export const signInRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/auth/options',
      { schema: { response: { 200: SignInOptions } }, config: PUBLIC },
      async () => ({ sso: c.sso ? { label: c.sso.config.label } : null }),
    );

    const done = (reply: FastifyReply, s: SignedIn & { recoveryCodes?: string[] }) => {
      setSessionCookie(c, reply, s);
      reply.clearCookie(MFA_COOKIE, { path: '/api/auth/mfa' });
      reply.header('cache-control', 'no-store');
      return {
        officer: s.officer,
        csrfToken: s.csrfToken,
        ...(s.recoveryCodes ? { recoveryCodes: s.recoveryCodes } : {}),
      };
    };
    app.post(
      '/api/auth/mfa',
      { schema: { body: MfaCodeRequest, response: { 200: MfaSignedIn } }, config: PUBLIC },
      async (request, reply) =>
        done(reply, await c.auth.codeSignIn(request.cookies[MFA_COOKIE], request.body.code, request.ip)),
    );
    app.post(
      '/api/auth/mfa/enrol',
      { schema: { response: { 200: MfaEnrolment } }, config: PUBLIC },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return c.auth.enrolmentForStep(request.cookies[MFA_COOKIE]);
      },
    );
    app.post(
      '/api/auth/mfa/enrol/confirm',
      { schema: { body: MfaCodeRequest, response: { 200: MfaSignedIn } }, config: PUBLIC },
      async (request, reply) =>
        done(
          reply,
          await c.auth.confirmEnrolmentStep(request.cookies[MFA_COOKIE], request.body.code, request.ip),
        ),
    );

    app.get('/api/auth/oidc/start', { config: PUBLIC }, async (request, reply) => {
      if (!c.sso) throw notFound('single sign-on');
      let started: { cookie: string; url: string };
      try {
        started = await c.sso.start();
      } catch (err) {
        // Discovery failed (the provider is down or unreachable): the sign-in page says so.
        request.log.warn({ err }, 'sso: the identity provider could not be reached');
        return reply.redirect('/login?sso=provider_unreachable', 303);
      }
      const { cookie, url } = started;
      // Lax, not Strict: the provider sends the browser back with a cross-site top-level GET.
      reply.setCookie(OIDC_COOKIE, cookie, {
        path: '/api/auth/oidc',
        httpOnly: true,
        sameSite: 'lax',
        secure: c.config.secureCookies,
        maxAge: 600,
      });
      return reply.redirect(url, 302);
    });
    const param = z.string().max(4096).optional();
    app.get(
      '/api/auth/oidc/callback',
      {
        schema: {
          // The provider's answer (RFC 6749 §4.1.2, RFC 9207), named so the OpenAPI document can list it.
          querystring: z
            .object({
              code: param,
              state: param,
              iss: param,
              error: param,
              error_description: param,
              error_uri: param,
              session_state: param,
            })
            .catchall(param),
        },
        config: PUBLIC,
      },
      async (request, reply) => {
        if (!c.sso) throw notFound('single sign-on');
        const url = new URL(request.url, c.config.publicUrl);
        const outcome = await c.sso.callback(request.cookies[OIDC_COOKIE], url, request.ip);
        reply.clearCookie(OIDC_COOKIE, { path: '/api/auth/oidc' });
        reply.header('cache-control', 'no-store');
        if (!outcome.ok) return reply.redirect(`/login?sso=${outcome.reason}`, 303);
        setSessionCookie(c, reply, outcome.session);
        return reply.redirect('/', 303);
      },
    );

    // The officer's own two-step sign-in (local accounts).
    const self = { auth: { officer: true as const } };
    const kindOf = async (id: string) =>
      (await c.officers.findById(id))?.password_hash === NO_PASSWORD ? ('sso' as const) : ('local' as const);
    app.get(
      '/api/account/mfa',
      { schema: { response: { 200: MyMfaStatus } }, config: self },
      async (request) => c.mfa.status(request.officer!.id, await kindOf(request.officer!.id)),
    );
    app.post(
      '/api/account/mfa/enrol',
      { schema: { response: { 200: MfaEnrolment } }, config: self },
      async (request, reply) => {
        const o = request.officer!;
        if ((await kindOf(o.id)) === 'sso')
          throw new DomainError('conflict', 'you sign in with your force account; its own MFA applies');
        reply.header('cache-control', 'no-store');
        return c.mfa.begin(o);
      },
    );
    app.post(
      '/api/account/mfa/confirm',
      { schema: { body: MfaCodeRequest, response: { 200: RecoveryCodes } }, config: self },
      async (request, reply) => {
        const o = request.officer!;
        const codes = await c.mfa.confirm(o, request.body.code, request.ip);
        if (!codes)
          throw new DomainError('bad_request', 'that code is not right; check the time on your phone', {
            code: 'wrong',
          });
        reply.header('cache-control', 'no-store');
        return { recoveryCodes: codes };
      },
    );

    app.get(
      '/api/admin/sign-in',
      { schema: { response: { 200: SignInSettings } }, config: MANAGE },
      async () => {
        const o = c.config.oidc;
        const [policy, overview, officers] = await Promise.all([
          c.mfa.policy(),
          c.mfa.overview(),
          c.officers.list(),
        ]);
        const kinds = new Map(
          await Promise.all(officers.map(async (x) => [x.id, await kindOf(x.id)] as const)),
        );
        return {
          sso: {
            configured: o !== null,
            issuer: o?.issuer.href ?? null,
            clientId: o?.clientId ?? null,
            label: o?.label ?? null,
            scopes: o?.scopes ?? null,
            redirectUri: o?.redirectUri ?? null,
            roleClaim: o?.roleClaim ?? null,
            roleMap: o?.roleMap ?? {},
          },
          mfa: policy,
          officers: officers.map((x) => ({
            id: x.id,
            username: x.username,
            displayName: x.displayName,
            kind: kinds.get(x.id) ?? 'local',
            mfa: overview.enabled.has(x.id),
            recoveryCodesLeft: overview.codesLeft.get(x.id) ?? 0,
            disabled: x.disabledAt !== null,
          })),
        };
      },
    );
    app.put(
      '/api/admin/sign-in/mfa-policy',
      { schema: { body: MfaPolicyRequest, response: { 200: SignInSettings.shape.mfa } }, config: MANAGE },
      async (request) =>
        c.mfa.setPolicy(request.body.requireForLocal, request.body.reason, officerActor(request)),
    );
    app.post(
      '/api/officers/:id/mfa/reset',
      {
        schema: {
          params: z.object({ id: z.string().max(64) }),
          body: AccountChangeRequest,
          response: { 200: z.object({ ok: z.literal(true), hadMfa: z.boolean() }) },
        },
        config: MANAGE,
      },
      async (request) => {
        if (!(await c.officers.findById(request.params.id))) throw notFound('officer');
        const hadMfa = await c.mfa.reset(request.params.id, request.body.reason, officerActor(request));
        return { ok: true as const, hadMfa };
      },
    );
  };
