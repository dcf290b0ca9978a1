import { AccountChangeRequest, IntegrationApproval, IntegrationApprovalList } from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../container.js';
import { officerActor } from '../http/auth-hooks.js';

const approve = { auth: { officer: true as const, permission: 'integration:approve' as const } };
const byId = { params: z.object({ id: z.string().max(64) }) };

/** API client and webhook changes waiting for a second admin: list, approve, refuse. */
export const approvalRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/integration-approvals',
      { schema: { response: { 200: IntegrationApprovalList } }, config: approve },
      async () => ({ approvals: await c.approvals.list() }),
    );
    for (const action of ['approve', 'refuse'] as const)
      app.post(
        `/api/integration-approvals/:id/${action}`,
        {
          schema: { ...byId, body: AccountChangeRequest, response: { 200: IntegrationApproval } },
          config: approve,
        },
        async (request) =>
          c.approvals[action](request.params.id, request.body.reason, officerActor(request), request.ip),
      );
  };
