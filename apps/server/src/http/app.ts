import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import { MAX_MESSAGE_BYTES } from '@sightline/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { amlRoutes } from '../aml/aml.routes.js';
import { approvalRoutes } from '../approvals/approvals.routes.js';
import { checkRoutes } from '../checks/checks.routes.js';
import type { Container } from '../container.js';
import { incidentRoutes } from '../incidents/incidents.routes.js';
import { interpreterRoutes } from '../interpreters/interpreters.routes.js';
import { webhookRoutes } from '../webhooks/webhooks.routes.js';
import { installAuth } from './auth-hooks.js';
import { installErrorHandler } from './error-handler.js';
import { installOpenApi, openApiRoutes } from './openapi/openapi.js';
import { installRequestContext, requestId } from './request-context.js';
import { adminRoutes } from './routes/admin.routes.js';
import { apiClientRoutes } from './routes/api-clients.routes.js';
import { apiV1Routes } from './routes/api-v1.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { evidenceRoutes } from './routes/evidence.routes.js';
import { exportRoutes } from './routes/exports.routes.js';
import { exposureRoutes } from './routes/exposure.routes.js';
import { joinRoutes } from './routes/join.routes.js';
import { libraryRoutes } from './routes/library.routes.js';
import { operationsRoutes } from './routes/operations.routes.js';
import { outcomeRoutes } from './routes/outcomes.routes.js';
import { retentionRoutes } from './routes/retention.routes.js';
import { sessionRoutes } from './routes/sessions.routes.js';
import { shareRoutes } from './routes/shares.routes.js';
import { signInRoutes } from './routes/sign-in.routes.js';
import { smsRoutes } from './routes/sms.routes.js';
import { takeUpRoutes } from './routes/take-up.routes.js';
import { turnRoutes } from './routes/turn.routes.js';
import { uploadRoutes } from './routes/uploads.routes.js';
import { wsRoutes } from './routes/ws.routes.js';
import { installSecurityHeaders } from './security.js';
import { installStaticAssets } from './static-assets.js';

export interface AppOptions {
  /** The process logger (see lib/create-logger.ts); omit for none (tests). */
  logger?: FastifyBaseLogger;
}

/** Builds the HTTP + WebSocket server around a container. Does not listen. */
export async function buildApp(c: Container, opts: AppOptions): Promise<FastifyInstance> {
  const tls = c.config.http.tls;
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    trustProxy: c.config.http.trustProxy,
    // reqId on every request's log lines: the caller's X-Request-Id when well-formed, else a UUID.
    requestIdHeader: false,
    genReqId: requestId,
    bodyLimit: 256 * 1024,
    ...(tls
      ? { https: { cert: readFileSync(tls.cert), key: readFileSync(tls.key), ...amlClientCerts(c) } }
      : {}),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installRequestContext(app, c.metrics);

  await app.register(cookie);
  // With several instances (Redis configured) the counts live in Redis, so a route's limit holds
  // whichever instance the load balancer picks. While Redis is unreachable requests are let
  // through rather than refused: a restart of Redis must not stop callers joining.
  await app.register(rateLimit, {
    global: false,
    ...(c.redis ? { redis: c.redis, nameSpace: 'sightline:rate-limit:', skipOnError: true } : {}),
  });
  await installSecurityHeaders(app, c.config);
  await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  await installOpenApi(app);
  installAuth(app, c.auth, c.sessions, { metrics: c.config.metricsToken }, c.apiClients, c.interpreters);

  const { sendJoinPage, sendInterpreterPage } = await installStaticAssets(app);
  await app.register(operationsRoutes(c));
  await app.register(openApiRoutes);
  await app.register(authRoutes(c));
  await app.register(signInRoutes(c));
  await app.register(sessionRoutes(c));
  await app.register(incidentRoutes(c));
  await app.register(shareRoutes(c));
  await app.register(smsRoutes(c));
  await app.register(evidenceRoutes(c));
  await app.register(exportRoutes(c));
  await app.register(libraryRoutes(c));
  await app.register(outcomeRoutes(c));
  await app.register(retentionRoutes(c));
  await app.register(uploadRoutes(c));
  await app.register(adminRoutes(c));
  await app.register(apiClientRoutes(c));
  await app.register(apiV1Routes(c));
  await app.register(turnRoutes(c));
  await app.register(exposureRoutes(c));
  await app.register(takeUpRoutes(c));
  await app.register(webhookRoutes(c));
  await app.register(amlRoutes(c));
  await app.register(approvalRoutes(c));
  await app.register(checkRoutes(c));
  await app.register(joinRoutes(c, sendJoinPage));
  await app.register(interpreterRoutes(c, sendInterpreterPage));
  await app.register(wsRoutes(c));
  return app;
}

/**
 * With an AML client CA, the TLS handshake asks every client for a certificate but lets those
 * without one in (browsers, callers' phones); POST /api/aml then refuses any not chained to the CA.
 */
function amlClientCerts(c: Container) {
  const ca = c.config.aml?.clientCa;
  return ca ? { ca, requestCert: true, rejectUnauthorized: false } : {};
}
