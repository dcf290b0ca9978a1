import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../auth/permissions.js';
import type { Container } from '../../container.js';
import { DomainError, forbidden } from '../../lib/errors.js';
import { officerActor } from '../auth-hooks.js';

/** Streams stored evidence for playback (with Range support) or download. */
export const evidenceRoutes =
  (c: Container): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/evidence/:id/content',
      {
        schema: {
          params: z.object({ id: z.string().uuid() }),
          querystring: z.object({ download: z.enum(['0', '1']).default('0') }),
        },
        config: { auth: { officer: true, permission: 'evidence:play' } },
      },
      async (request, reply) => {
        const download = request.query.download === '1';
        if (download && !can(request.officer!.roles, 'evidence:download')) throw forbidden();
        const meta = await c.evidence.item(request.params.id);
        const range = parseRange(request.headers.range, meta.size);
        // A player fetches many ranges; the access is audited once, on the request that starts at byte 0.
        const audit = download || range === null || range.start === 0;
        const purpose = download ? 'download' : 'playback';
        const { item, stream, size } = await c.evidence.open(meta.id, range, {
          actor: officerActor(request),
          purpose,
          ip: request.ip,
          audit,
        });
        reply
          .header('content-type', item.mediaType)
          .header('accept-ranges', 'bytes')
          .header('cache-control', 'private, no-store')
          .header('x-content-sha256', item.sha256)
          .header(
            'content-disposition',
            `${download ? 'attachment' : 'inline'}; filename="${item.fileName.replace(/[^\w.-]/g, '_')}"`,
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
