import {
  CreateInviteRequest,
  EndSessionRequest,
  EvidenceList,
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  MessageList,
  SessionDetail,
  SessionList,
  SessionSummary,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { officerActor, sessionRead } from '../auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });

/** Invites and sessions. */
export const sessionRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/sessions',
      {
        schema: {
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: SessionList },
        },
        config: { auth: { officer: true, permission: 'session:read' } },
      },
      async (request) => {
        const sessions = await c.sessions.list(request.query.limit);
        // The list carries each session's last position fix: a read of personal data too.
        await c.reads.record({
          actor: officerActor(request),
          action: 'session.list',
          subject: { type: 'sessions', id: 'live-list' },
          detail: { count: sessions.length },
          ip: request.ip,
        });
        return { sessions };
      },
    );

    app.post(
      '/api/sessions',
      {
        schema: {
          body: CreateInviteRequest,
          // One press of Send: a retry with the same key gets the first answer and sends nothing.
          headers: z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKey.optional() }),
          response: { 201: z.object({ session: SessionSummary, link: z.string().url() }) },
        },
        config: { auth: { officer: true, permission: 'session:create' } },
      },
      async (request, reply) => {
        const result = await c.invites.create(
          request.body,
          officerActor(request),
          request.ip,
          request.headers[IDEMPOTENCY_HEADER] ?? null,
        );
        return reply.status(201).send(result);
      },
    );

    app.get(
      '/api/sessions/:id',
      {
        schema: { params: Params, response: { 200: SessionDetail } },
        config: { auth: { officer: true, permission: 'session:read' } },
      },
      async (request) => {
        const detail = await c.sessions.detail(request.params.id);
        await c.audit.record({
          actor: officerActor(request),
          action: 'session.read',
          subject: { type: 'session', id: request.params.id },
          ip: request.ip,
        });
        return detail;
      },
    );

    app.post(
      '/api/sessions/:id/end',
      {
        schema: {
          params: Params,
          body: EndSessionRequest,
          response: { 200: z.object({ session: SessionSummary }) },
        },
        config: { auth: { officer: true, permission: 'session:end' } },
      },
      async (request) => ({
        session: await c.sessions.end(
          request.params.id,
          request.body.reason || 'ended_by_officer',
          officerActor(request),
          request.ip,
        ),
      }),
    );

    app.get(
      '/api/sessions/:id/messages',
      {
        schema: { params: Params, response: { 200: MessageList } },
        config: { auth: { officer: true, permission: 'session:read' } },
      },
      async (request) => {
        await c.sessions.get(request.params.id);
        await c.reads.record(sessionRead(request, request.params.id, 'chat.read'));
        return { messages: await c.chat.history(request.params.id) };
      },
    );

    app.get(
      '/api/sessions/:id/evidence',
      {
        schema: { params: Params, response: { 200: EvidenceList } },
        config: { auth: { officer: true, permission: 'evidence:read' } },
      },
      async (request) => {
        await c.sessions.get(request.params.id);
        await c.reads.record(sessionRead(request, request.params.id, 'evidence.list'));
        const [items, recordings] = await Promise.all([
          c.evidence.list(request.params.id),
          c.evidence.recordings(request.params.id),
        ]);
        return { items, recordings };
      },
    );
  };
