import { CreateExportRequest, ExportJob, ExportList, SignedManifest, SigningKey } from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { officerActor } from '../auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });

/** Export packages, the signing key, and signed session manifests. */
export const exportRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/exports',
      {
        schema: { body: CreateExportRequest, response: { 202: ExportJob } },
        config: { auth: { officer: true, permission: 'evidence:export' } },
      },
      async (request, reply) =>
        reply.status(202).send(await c.exports.request(officerActor(request), request.body, request.ip)),
    );
    app.get(
      '/api/exports',
      {
        schema: { response: { 200: ExportList } },
        config: { auth: { officer: true, permission: 'evidence:export' } },
      },
      async () => ({ jobs: await c.exports.list() }),
    );
    app.get(
      '/api/exports/:id',
      {
        schema: { params: Params, response: { 200: ExportJob } },
        config: { auth: { officer: true, permission: 'evidence:export' } },
      },
      async (request) => c.exports.get(request.params.id),
    );
    app.get(
      '/api/exports/:id/download',
      { schema: { params: Params }, config: { auth: { officer: true, permission: 'evidence:export' } } },
      async (request, reply) => {
        const d = await c.exports.download(request.params.id, officerActor(request), request.ip);
        return reply
          .header('content-type', 'application/zip')
          .header('content-length', d.size)
          .header('content-disposition', `attachment; filename="${d.fileName}"`)
          .header('x-content-sha256', d.sha256)
          .header('cache-control', 'private, no-store')
          .send(d.stream);
      },
    );
    app.get(
      '/api/keys/signing',
      { schema: { response: { 200: SigningKey } }, config: { auth: { officer: true } } },
      async () => {
        const key = c.signer.current();
        return { publicKeyPem: key.publicKeyPem, fingerprint: key.fingerprint };
      },
    );
    app.get(
      '/api/sessions/:id/manifest',
      {
        schema: { params: Params, response: { 200: SignedManifest } },
        config: { auth: { officer: true, permission: 'evidence:read' } },
      },
      async (request) => c.manifests.signedFor(request.params.id, officerActor(request), request.ip),
    );
  };
