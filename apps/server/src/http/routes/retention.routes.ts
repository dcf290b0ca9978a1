import {
  ClassifyRequest,
  CreateRedactionRequest,
  DisposalReport,
  HoldRequest,
  LibraryList,
  LibrarySession,
  PolicyList,
  RedactionJob,
  ReviewRequest,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { officerActor } from '../auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });

/** Retention (classify, hold, review, disposal preview) and redaction. */
export const retentionRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/retention/policies',
      { schema: { response: { 200: PolicyList } }, config: { auth: { officer: true } } },
      async () => ({ policies: c.retention.policies, unclassifiedDays: c.retention.unclassifiedDays }),
    );
    app.post(
      '/api/sessions/:id/classification',
      {
        schema: { params: Params, body: ClassifyRequest, response: { 200: LibrarySession } },
        config: { auth: { officer: true, permission: 'retention:manage' } },
      },
      async (request) =>
        c.retention.classify(request.params.id, officerActor(request), request.body, request.ip),
    );
    app.post(
      '/api/sessions/:id/hold',
      {
        schema: { params: Params, body: HoldRequest, response: { 200: LibrarySession } },
        config: { auth: { officer: true, permission: 'retention:manage' } },
      },
      async (request) => c.retention.hold(request.params.id, officerActor(request), request.body, request.ip),
    );
    app.post(
      '/api/sessions/:id/review',
      {
        schema: { params: Params, body: ReviewRequest, response: { 200: LibrarySession } },
        config: { auth: { officer: true, permission: 'retention:manage' } },
      },
      async (request) =>
        c.retention.review(request.params.id, officerActor(request), request.body, request.ip),
    );
    app.get(
      '/api/retention/review-queue',
      {
        schema: { response: { 200: LibraryList } },
        config: { auth: { officer: true, permission: 'retention:read' } },
      },
      async () => ({ sessions: await c.retention.reviewQueue() }),
    );
    app.get(
      '/api/retention/disposal-preview',
      {
        schema: { response: { 200: DisposalReport } },
        config: { auth: { officer: true, permission: 'retention:read' } },
      },
      async (request) => c.disposal.run({ dryRun: true, actor: officerActor(request), ip: request.ip }),
    );
    app.post(
      '/api/evidence/:id/redactions',
      {
        schema: { params: Params, body: CreateRedactionRequest, response: { 202: RedactionJob } },
        config: { auth: { officer: true, permission: 'evidence:redact' } },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(
            await c.redactions.request(request.params.id, officerActor(request), request.body, request.ip),
          ),
    );
    app.get(
      '/api/redactions/:id',
      {
        schema: { params: Params, response: { 200: RedactionJob } },
        config: { auth: { officer: true, permission: 'evidence:redact' } },
      },
      async (request) => c.redactions.get(request.params.id),
    );
  };
