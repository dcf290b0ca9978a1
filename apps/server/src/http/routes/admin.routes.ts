import {
  AccountChangeRequest,
  AccountChangeResult,
  AuditList,
  AuditQuery,
  ConsoleConfig,
  CreateOfficerRequest,
  OfficerAccount,
  OfficerList,
  OutboxList,
  ResetPasswordRequest,
  RoleGrant,
  RoleGrantList,
  SetRolesRequest,
  SystemStatus,
} from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { officerActor } from '../auth-hooks.js';

const VERSION = '0.1.0';

/** Officer accounts (and their two-person role grants), audit trail, SMS outbox, system status and console settings. */
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
        inviteTtlBounds: {
          min: Math.round(c.config.inviteTtlBoundsMs.min / 60_000),
          max: Math.round(c.config.inviteTtlBoundsMs.max / 60_000),
        },
        smsGateways: c.deliveries.names,
        viewerProtection: {
          startBlurred: c.config.viewerProtection.startBlurred,
          startMuted: c.config.viewerProtection.startMuted,
          reportSeconds: c.config.viewerProtection.reportMs / 1000,
        },
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
        schema: { body: CreateOfficerRequest, response: { 201: AccountChangeResult } },
        config: { auth: { officer: true, permission: 'officer:manage' } },
      },
      async (request, reply) => {
        // The roles asked for wait as a grant for a second admin (OfficerService's two-person rule).
        const officer = await c.officers.create(request.body, officerActor(request));
        return reply.status(201).send({ officer, grant: await c.officers.pendingGrant(officer.id) });
      },
    );

    const byId = { params: z.object({ id: z.string().max(64) }) };
    const manage = { auth: { officer: true as const, permission: 'officer:manage' as const } };
    app.post(
      '/api/officers/:id/disable',
      { schema: { ...byId, body: AccountChangeRequest, response: { 200: OfficerAccount } }, config: manage },
      async (request) => c.officers.disable(request.params.id, request.body.reason, officerActor(request)),
    );
    app.post(
      '/api/officers/:id/enable',
      { schema: { ...byId, body: AccountChangeRequest, response: { 200: OfficerAccount } }, config: manage },
      async (request) => c.officers.enable(request.params.id, request.body.reason, officerActor(request)),
    );
    app.put(
      '/api/officers/:id/roles',
      { schema: { ...byId, body: SetRolesRequest, response: { 200: AccountChangeResult } }, config: manage },
      async (request) =>
        c.officers.setRoles(
          request.params.id,
          request.body.roles,
          request.body.reason,
          officerActor(request),
        ),
    );
    app.post(
      '/api/officers/:id/password',
      {
        schema: { ...byId, body: ResetPasswordRequest, response: { 200: AccountChangeResult } },
        config: manage,
      },
      async (request) =>
        c.officers.resetPassword(
          request.params.id,
          request.body.password,
          request.body.reason,
          officerActor(request),
        ),
    );

    app.get(
      '/api/role-grants',
      { schema: { response: { 200: RoleGrantList } }, config: manage },
      async () => ({ grants: await c.officers.grants() }),
    );
    const approve = { auth: { officer: true as const, permission: 'officer:approve' as const } };
    app.post(
      '/api/role-grants/:id/approve',
      { schema: { ...byId, body: AccountChangeRequest, response: { 200: RoleGrant } }, config: approve },
      async (request) =>
        c.officers.approveGrant(request.params.id, request.body.reason, officerActor(request)),
    );
    app.post(
      '/api/role-grants/:id/refuse',
      { schema: { ...byId, body: AccountChangeRequest, response: { 200: RoleGrant } }, config: approve },
      async (request) =>
        c.officers.refuseGrant(request.params.id, request.body.reason, officerActor(request)),
    );

    app.get(
      '/api/audit',
      {
        schema: { querystring: AuditQuery, response: { 200: AuditList } },
        config: { auth: { officer: true, permission: 'audit:read' } },
      },
      async (request) => {
        // The trail names officers, callers' sessions and addresses: reading it is a read of
        // personal data like any other, recorded (coalesced) with the filter that was asked for.
        await c.reads.record({
          actor: officerActor(request),
          action: 'audit.read',
          subject: {
            type: request.query.subjectId ? 'audit-subject' : 'audit',
            id: request.query.subjectId ?? 'all',
          },
          detail: { action: request.query.action ?? null, limit: request.query.limit },
          ip: request.ip,
        });
        return { entries: await c.audit.list(request.query) };
      },
    );

    app.get(
      '/api/outbox',
      {
        schema: { response: { 200: OutboxList } },
        config: { auth: { officer: true, permission: 'outbox:read' } },
      },
      // Each officer sees only their own live links; numbers are masked for everyone.
      async (request) => ({ messages: await c.outbox.list(officerActor(request).id) }),
    );

    app.get(
      '/api/system/status',
      {
        schema: { response: { 200: SystemStatus } },
        config: { auth: { officer: true, permission: 'system:read' } },
      },
      async () => ({
        media: c.plane.status,
        storage: c.storage.status,
        events: c.events.health(),
        version: VERSION,
      }),
    );
  };
