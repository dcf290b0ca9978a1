import { createHash, timingSafeEqual as cryptoTimingSafeEqual } from 'node:crypto';
import type { ApiScope, OfficerView } from '@sightline/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiClientService, ApiPrincipal } from '../api-clients/api-client.service.js';
import { describeCredential } from '../api-clients/credentials.js';
import type { AuthService } from '../auth/auth.service.js';
import { can, type Permission } from '../auth/permissions.js';
import type { InterpreterService } from '../interpreters/interpreter.service.js';
import { DomainError, forbidden } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import { clientAuthLimit } from './client-auth-limit.js';

export const OFFICER_COOKIE = 'sl_sid';
export const CALLER_COOKIE = 'sl_caller';
/** The interpreter's browser, bound to their link when they opened it (issue 13). */
export const INTERPRETER_COOKIE = 'sl_interp';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Every route declares who may call it; a route without `auth` fails at boot.
 * - `public`: anyone (rate-limited where it matters)
 * - `officer`: any signed-in officer; with `permission`, only roles granting it
 * - `caller`: the device that claimed a link
 * - `interpreter`: the browser that claimed an interpreter's link, while they have a place in a running call
 * - `bearer`: a machine presenting the named token from the configuration (the metrics scraper)
 * - `client`: a machine client of /api/v1 (an API key or access token) holding `scope`; cookies
 *   count for nothing here, and a client's credentials for nothing on the other kinds
 * - `machine`: a sender the route authenticates itself, after its rate limit (AML: secret and/or client certificate)
 */
export type RouteAuth =
  | { public: true }
  | { officer: true; permission?: Permission }
  | { caller: true }
  | { interpreter: true }
  | { bearer: BearerToken }
  | { client: true; scope: ApiScope }
  | { machine: 'aml' };

/** Tokens set in the configuration; a route guarded by one is registered only when it is set. */
export type BearerToken = 'metrics';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyInstance {
    /** Every route with its auth policy, for audits of the policy itself (and the role tests). */
    routePolicies: Array<{
      method: string;
      url: string;
      auth: RouteAuth | undefined;
      /** The route's zod schemas (body, params, querystring), for generated checks such as the fuzz test. */
      schema: FastifySchema | undefined;
    }>;
  }
  interface FastifyRequest {
    officer: OfficerView | null;
    csrfToken: string | null;
    callerSessionId: string | null;
    interpreterId: string | null;
    apiClient: ApiPrincipal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Registers the authentication/authorisation hooks. */
export function installAuth(
  app: FastifyInstance,
  auth: AuthService,
  sessions: SessionService,
  tokens: Record<BearerToken, string | null>,
  clients: Pick<ApiClientService, 'authenticate'>,
  interpreters: Pick<InterpreterService, 'authenticate'>,
): void {
  app.decorateRequest('officer', null);
  app.decorateRequest('apiClient', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('callerSessionId', null);
  app.decorateRequest('interpreterId', null);

  const clientFailures = clientAuthLimit(app);
  app.decorate('clientAuthFailures', clientFailures);
  const policies: FastifyInstance['routePolicies'] = [];
  app.decorate('routePolicies', policies);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      policies.push({ method, url: route.url, auth: route.config?.auth, schema: route.schema });
    if (!route.config?.auth && (route.url.startsWith('/api') || route.url.startsWith('/ws'))) {
      throw new Error(`route ${route.method} ${route.url} declares no auth policy`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const policy = request.routeOptions.config?.auth;
    if (!policy || 'public' in policy) return;
    if ('client' in policy) {
      await clientFailures.check(request, reply);
      const sent = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const client = sent ? await clients.authenticate(sent, request.ip) : null;
      if (!client) {
        // Only a credential that was sent and failed counts: no credential at all guesses nothing
        // (a browser or a misrouted console request), and must not lock out a CAD behind the same NAT.
        if (sent) {
          await clientFailures.failed(request);
          request.log.warn({ credential: describeCredential(sent) }, 'API client authentication failed');
        }
        reply.header('www-authenticate', 'Bearer realm="sightline-api"');
        throw new DomainError(
          'unauthenticated',
          'send a valid API key or access token as "Authorization: Bearer …"',
        );
      }
      if (!client.scopes.includes(policy.scope)) {
        reply.header(
          'www-authenticate',
          `Bearer realm="sightline-api", error="insufficient_scope", scope="${policy.scope}"`,
        );
        throw new DomainError('forbidden', `this client lacks the scope ${policy.scope}`, {
          scope: policy.scope,
        });
      }
      request.apiClient = client;
      return;
    }
    // The route's own preParsing hook checks the sender, so refused attempts count against its rate limit.
    if ('machine' in policy) return;
    if ('bearer' in policy) {
      const expected = tokens[policy.bearer];
      const sent = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (expected === null || sent === undefined || !timingSafeEqual(sent, expected))
        throw new DomainError('unauthenticated', 'send the configured bearer token');
      return;
    }
    if ('caller' in policy) {
      const row = await sessions.authenticateCaller(request.cookies[CALLER_COOKIE]);
      if (!row) throw new DomainError('unauthenticated', 'open the link from your text message again');
      request.callerSessionId = row.id;
      return;
    }
    if ('interpreter' in policy) {
      const row = await interpreters.authenticate(request.cookies[INTERPRETER_COOKIE]);
      if (!row) throw new DomainError('unauthenticated', 'open the link you were sent again');
      request.interpreterId = row.id;
      return;
    }
    const session = await auth.authenticate(request.cookies[OFFICER_COOKIE]);
    if (!session) throw new DomainError('unauthenticated', 'sign in first');
    request.officer = session.officer;
    request.csrfToken = session.csrfToken;
    if (policy.permission && !can(session.officer.roles, policy.permission)) throw forbidden();
    if (!SAFE_METHODS.has(request.method) && !isWebSocket(request)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !timingSafeEqual(sent, session.csrfToken)) {
        throw new DomainError('csrf_failed', 'missing or wrong CSRF token; reload the page');
      }
    }
  });
}

/** Rejects cross-site WebSocket upgrades (browsers send cookies with them). */
export function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (!origin) return; // non-browser clients (tests, synthetic callers) send none and carry no ambient cookies
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw forbidden('bad Origin header');
  }
  if (host !== request.headers.host) throw forbidden('cross-origin WebSocket refused');
}

function isWebSocket(request: FastifyRequest): boolean {
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

/** Compares digests, so neither the content nor the length of the secret shows in the timing. */
export function timingSafeEqual(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return cryptoTimingSafeEqual(digest(a), digest(b));
}

/** The machine client calling this /api/v1 route. */
export function apiClient(request: FastifyRequest): ApiPrincipal {
  if (!request.apiClient) throw new DomainError('unauthenticated', 'send an API key or access token');
  return request.apiClient;
}

/** The officer acting on this request, as an audit actor. */
export function officerActor(request: FastifyRequest) {
  const o = request.officer;
  if (!o) throw new DomainError('unauthenticated', 'sign in first');
  return { type: 'officer' as const, id: o.id, name: o.displayName };
}

/** The read-audit entry for an officer reading one session's `action` (chat, notes, evidence list…). */
export function sessionRead(request: FastifyRequest, sessionId: string, action: string) {
  return {
    actor: officerActor(request),
    action,
    subject: { type: 'session', id: sessionId },
    ip: request.ip,
  };
}
