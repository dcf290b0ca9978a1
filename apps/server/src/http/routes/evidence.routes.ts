import { EvidenceContentQuery, EvidenceViewing } from '@sightline/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../auth/permissions.js';
import type { Container } from '../../container.js';
import { DomainError, forbidden } from '../../lib/errors.js';
import { officerActor } from '../auth-hooks.js';

const Params = z.object({ id: z.string().uuid() });

/**
 * Stored evidence: playback within an audited viewing (any Range requests, for its
 * officer, until it expires), or download (its own permission, every request audited).
 */
export const evidenceRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/evidence/:id/viewings',
      {
        schema: { params: Params, response: { 201: EvidenceViewing } },
        config: { auth: { officer: true, permission: 'evidence:play' } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await c.evidence.startViewing(request.params.id, officerActor(request), request.ip)),
    );

    app.get(
      '/api/evidence/:id/content',
      {
        schema: { params: Params, querystring: EvidenceContentQuery },
        config: { auth: { officer: true, permission: 'evidence:play' } },
      },
      async (request, reply) => {
        const meta = await c.evidence.item(request.params.id);
        // Bytes outside a viewing are a download: its own permission, audited on every request.
        const viewingId = request.query.download === '1' ? undefined : request.query.viewing;
        if (!viewingId && !can(request.officer!.roles, 'evidence:download'))
          throw forbidden('playback needs a viewing: POST /api/evidence/:id/viewings, then use its url');
        const range = parseRange(request.headers.range, meta.size);
        const actor = officerActor(request);
        const { item, stream, size } = await c.evidence.open(
          meta.id,
          range,
          viewingId
            ? { purpose: 'playback', actor, viewingId }
            : { purpose: 'download', actor, ip: request.ip },
        );
        reply
          .header('content-type', item.mediaType)
          .header('accept-ranges', 'bytes')
          .header('cache-control', 'private, no-store')
          .header('x-content-sha256', item.sha256)
          .header(
            'content-disposition',
            `${viewingId ? 'inline' : 'attachment'}; filename="${item.fileName.replace(/[^\w.-]/g, '_')}"`,
          );
        if (range) {
          reply
            .status(206)
            .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
            .header('content-length', range.end - range.start + 1);
        } else {
          reply.header('content-length', size);
        }
        return reply.send(stream);
      },
    );
  };

/** Parses a single "bytes=a-b" range; null when absent; 416 when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) throw new DomainError('bad_request', 'requested range not satisfiable');
  return { start, end };
}
