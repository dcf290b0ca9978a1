import { HealthResponse, ReadinessResponse } from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import type { ReadinessCheckName } from '../../operations/readiness.js';

const publicRoute = { auth: { public: true as const } };

/**
 * What operations teams point their tools at (docs/operations.md): liveness for the process
 * supervisor and the load balancer, readiness for start-up and alerting, metrics for Prometheus.
 */
export const operationsRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    // Alive: answers while the process serves HTTP, checks nothing else (a restart would not fix a
    // database outage). Balancers route by this one, not /readyz: see docs/operations.md.
    app.get(
      '/healthz',
      {
        schema: {
          operationId: 'getHealth',
          summary: 'Liveness: the process answers HTTP',
          tags: ['operations'],
          response: { 200: HealthResponse },
        },
        config: publicRoute,
      },
      async () => ({ ok: true as const, media: c.plane.status.state }),
    );

    // Ready: every dependency answered within its timeout. Public, so it names checks, never hosts.
    app.get(
      '/readyz',
      {
        schema: {
          operationId: 'getReadiness',
          summary: 'Readiness: database, evidence store and media reachable',
          tags: ['operations'],
          response: { 200: ReadinessResponse, 503: ReadinessResponse },
        },
        // Answers are cached for a second (Readiness); the limit keeps one address from hogging it.
        config: { ...publicRoute, rateLimit: { max: 300, timeWindow: '1 minute' } },
      },
      async (_request, reply) => {
        const report = await c.readiness.check();
        const failing = (Object.keys(report.checks) as ReadinessCheckName[]).filter(
          (n) => !report.checks[n].ok,
        );
        reply.header('cache-control', 'no-store');
        return reply.code(report.ok ? 200 : 503).send({ ...report, failing });
      },
    );

    // Only with a token configured: without one the route does not exist (404), so no deployment
    // publishes its load and session counts by forgetting a setting.
    if (c.config.metricsToken !== null)
      app.get('/metrics', { config: { auth: { bearer: 'metrics' as const } } }, async (_request, reply) => {
        reply.header('content-type', c.metrics.contentType).header('cache-control', 'no-store');
        return c.metrics.expose();
      });
  };
