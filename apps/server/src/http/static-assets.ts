import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));
/** Built front-ends, next to this package in the monorepo (apps/console/dist, apps/join/dist). */
const CONSOLE_DIST = resolve(here, '../../../console/dist');
const JOIN_DIST = resolve(here, '../../../join/dist');

const NOT_BUILT = (what: string) =>
  `<!doctype html><meta charset="utf-8"><title>Sightline</title><p>The ${what} has not been built. Run <code>npm run build</code>.</p>`;

/** Serves the console at / (single-page app) and the caller page's assets at /c/. */
export async function installStaticAssets(
  app: FastifyInstance,
): Promise<{ sendJoinPage: (reply: FastifyReply) => unknown }> {
  const joinBuilt = existsSync(join(JOIN_DIST, 'index.html'));
  const consoleBuilt = existsSync(join(CONSOLE_DIST, 'index.html'));
  if (joinBuilt) {
    await app.register(fastifyStatic, {
      root: join(JOIN_DIST, 'c'),
      prefix: '/c/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  }
  if (consoleBuilt) {
    await app.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/', index: false, wildcard: false });
    app.get('/assets/*', { config: { auth: { public: true } } }, (request, reply) => {
      const rel = (request.params as { '*': string })['*'];
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .sendFile(join('assets', rel), CONSOLE_DIST);
    });
  }
  // Console routes are client-side: any other GET that wants HTML gets the console shell.
  app.setNotFoundHandler((request, reply) => {
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsHtml && !request.url.startsWith('/api/') && !request.url.startsWith('/c/')) {
      reply.header('cache-control', 'no-store');
      return consoleBuilt
        ? reply.sendFile('index.html', CONSOLE_DIST)
        : reply.type('text/html').send(NOT_BUILT('console'));
    }
    return reply.status(404).send({ error: { code: 'not_found', message: 'no such route' } });
  });
  return {
    sendJoinPage: (reply) =>
      joinBuilt
        ? reply.sendFile('index.html', JOIN_DIST)
        : reply.type('text/html').send(NOT_BUILT('caller page')),
  };
}
