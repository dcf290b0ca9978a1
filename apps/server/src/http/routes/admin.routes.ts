import {
  AuditList,
  AuditQuery,
  ConsoleConfig,
  CreateOfficerRequest,
  OfficerList,
  OfficerView,
  OutboxList,
  SystemStatus,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import { officerActor } from '../auth-hooks.js';

const VERSION = '0.1.0';

/** Officer accounts, audit trail, SMS outbox, system status and console settings. */
export const adminRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/config',
      { schema: { response: { 200: ConsoleConfig } }, config: { auth: { officer: true } } },
      async () => ({
        agency: c.config.agency,
        map: {
          tileUrl: c.config.map.tileUrl,
          attribution: c.config.map.attribution,
          center: [51.5074, -0.1278] as [number, number],
          zoom: 12,
        },
        inviteTtlMinutes: Math.round(c.config.inviteTtlMs / 60_000),
      }),
    );

    app.get(
      '/api/officers',
      {
        schema: { response: { 200: OfficerList } },
        config: { auth: { officer: true, permission: 'officer:manage' } },
      },
      async () => ({ officers: await c.officers.list() }),
    );

    app.post(
      '/api/officers',
      {
        schema: { body: CreateOfficerRequest, response: { 201: OfficerView } },
        config: { auth: { officer: true, permission: 'officer:manage' } },
      },
      async (request, reply) =>
        reply.status(201).send(await c.officers.create(request.body, officerActor(request))),
    );

    app.get(
      '/api/audit',
      {
        schema: { querystring: AuditQuery, response: { 200: AuditList } },
        config: { auth: { officer: true, permission: 'audit:read' } },
      },
      async (request) => ({ entries: await c.audit.list(request.query) }),
    );

    app.get(
      '/api/outbox',
      {
        schema: { response: { 200: OutboxList } },
        config: { auth: { officer: true, permission: 'outbox:read' } },
      },
      async () => ({ messages: await c.outbox.list() }),
    );

    app.get(
      '/api/system/status',
      {
        schema: { response: { 200: SystemStatus } },
        config: { auth: { officer: true, permission: 'system:read' } },
      },
      async () => ({ media: c.plane.status, version: VERSION }),
    );
  };
