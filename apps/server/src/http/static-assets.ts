import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));
/** Built front-ends, next to this package in the monorepo (apps/console/dist, apps/join/dist). */
const CONSOLE_DIST = resolve(here, '../../../console/dist');
const JOIN_DIST = resolve(here, '../../../join/dist');

const notBuilt = (what: string) =>
  `<!doctype html><meta charset="utf-8"><title>Sightline</title><p>The ${what} has not been built. Run <code>npm run build</code>.</p>`;

/** The two HTML shells are tiny and fixed: read once at boot, served from memory. */
function shell(dist: string, what: string): { html: string; built: boolean } {
  const file = join(dist, 'index.html');
  return existsSync(file)
    ? { html: readFileSync(file, 'utf8'), built: true }
    : { html: notBuilt(what), built: false };
}

/** Serves the console at / (single-page app) and the caller page's assets at /c/. */
export async function installStaticAssets(
  app: FastifyInstance,
): Promise<{ sendJoinPage: (reply: FastifyReply) => unknown }> {
  const joinPage = shell(JOIN_DIST, 'caller page');
  const consolePage = shell(CONSOLE_DIST, 'console');
  // Hashed file names: safe to cache for a year.
  const immutable = { decorateReply: false, index: false, immutable: true, maxAge: '365d' } as const;
  if (joinPage.built)
    await app.register(fastifyStatic, { root: join(JOIN_DIST, 'c'), prefix: '/c/', ...immutable });
  if (consolePage.built && existsSync(join(CONSOLE_DIST, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(CONSOLE_DIST, 'assets'),
      prefix: '/assets/',
      ...immutable,
    });
  }
  // Console routes are client-side: any other GET that wants HTML gets the console shell.
  app.setNotFoundHandler((request, reply) => {
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsHtml && !request.url.startsWith('/api/') && !request.url.startsWith('/c/')) {
      return reply
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(consolePage.html);
    }
    return reply.status(404).send({ error: { code: 'not_found', message: 'no such route' } });
  });
  return {
    sendJoinPage: (reply) => reply.type('text/html; charset=utf-8').send(joinPage.html),
  };
}
