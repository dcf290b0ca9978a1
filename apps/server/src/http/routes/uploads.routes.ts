import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { DomainError } from '../../lib/errors.js';

const TUS_VERSION = '1.0.0';
const Id = z.string().uuid();
const Seq = z.coerce.number().int().min(0).max(100_000);
const Part = z.string().regex(/^[A-Za-z0-9_-]{6,40}$/);
const CompleteBody = z.object({
  chunks: z.number().int().min(1).max(100_000),
  mimeType: z.string().max(100),
});

function parseMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (header ?? '').split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key) out[key] = value ? Buffer.from(value, 'base64').toString('utf8') : '';
  }
  return out;
}

function header(value: string | string[] | undefined, name: string): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  if (!Number.isInteger(n) || n < 0) throw new DomainError('bad_request', `missing or bad ${name} header`);
  return n;
}

const tus = (reply: FastifyReply) =>
  reply.header('tus-resumable', TUS_VERSION).header('cache-control', 'no-store');

/**
 * From the caller's phone: resumable photo/video uploads (tus 1.0 core: POST to
 * create, HEAD for the offset, PATCH to append) and the chunked full-quality copy.
 * Bodies stream straight to disk; nothing is buffered whole in memory.
 */
export const uploadRoutes =
  (c: Container): FastifyPluginAsync =>
  async (app) => {
    // Raw bodies, streamed: the services write them to disk as they arrive.
    for (const type of ['application/offset+octet-stream', 'application/octet-stream']) {
      app.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
    }
    const caller = (r: { callerSessionId: string | null }) => r.callerSessionId!;

    app.post(
      '/api/uploads',
      { config: { auth: { caller: true }, rateLimit: { max: 60, timeWindow: '1 minute' } } },
      async (request, reply) => {
        if (request.headers['tus-resumable'] !== TUS_VERSION)
          throw new DomainError('bad_request', `Tus-Resumable ${TUS_VERSION} required`);
        const length = header(request.headers['upload-length'], 'Upload-Length');
        const meta = parseMetadata(request.headers['upload-metadata'] as string | undefined);
        const id = await c.uploads.create(caller(request), {
          length,
          fileName: meta.filename || 'file',
          declaredType: meta.filetype || null,
        });
        return tus(reply).status(201).header('location', `/api/uploads/${id}`).send();
      },
    );

    app.head('/api/uploads/:id', { config: { auth: { caller: true } } }, async (request, reply) => {
      const id = Id.parse((request.params as { id: string }).id);
      const s = await c.uploads.status(caller(request), id);
      return tus(reply)
        .header('upload-offset', s.offset)
        .header('upload-length', s.length)
        .status(200)
        .send();
    });

    app.patch(
      '/api/uploads/:id',
      { config: { auth: { caller: true }, rateLimit: { max: 600, timeWindow: '1 minute' } } },
      async (request, reply) => {
        tus(reply); // on errors too: a 409 for a racing PATCH is a tus answer
        if (request.headers['content-type'] !== 'application/offset+octet-stream') {
          throw new DomainError('bad_request', 'Content-Type must be application/offset+octet-stream');
        }
        const id = Id.parse((request.params as { id: string }).id);
        const offset = header(request.headers['upload-offset'], 'Upload-Offset');
        const newOffset = await c.uploads.append(
          caller(request),
          id,
          offset,
          request.body as NodeJS.ReadableStream as never,
        );
        return tus(reply).header('upload-offset', newOffset).status(204).send();
      },
    );

    app.put(
      '/api/device-copy/:part/:seq',
      { config: { auth: { caller: true }, rateLimit: { max: 1200, timeWindow: '1 minute' } } },
      async (request) => {
        const p = request.params as { part: string; seq: string };
        const claimed = request.headers['x-chunk-sha256'];
        return c.deviceCopies.putChunk(
          caller(request),
          Part.parse(p.part),
          Seq.parse(p.seq),
          request.body as never,
          typeof claimed === 'string' && /^[0-9a-f]{64}$/.test(claimed) ? claimed : null,
          request.headers['content-length'] ? Number(request.headers['content-length']) : null,
        );
      },
    );

    app.get('/api/device-copy', { config: { auth: { caller: true } } }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { parts: await c.deviceCopies.status(caller(request)) };
    });

    app.post('/api/device-copy/:part/complete', { config: { auth: { caller: true } } }, async (request) => {
      const part = Part.parse((request.params as { part: string }).part);
      const body = CompleteBody.parse(request.body);
      return c.deviceCopies.complete(caller(request), part, body.chunks, body.mimeType);
    });
  };
