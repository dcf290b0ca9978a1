import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));
/** Built front-ends, next to this package in the monorepo (apps/console/dist, apps/join/dist). */
const CONSOLE_DIST = resolve(here, '../../../console/dist');
const JOIN_DIST = resolve(here, '../../../join/dist');

const notBuilt = (what: string) =>
  `<!doctype html><meta charset="utf-8"><title>Sightline</title><p>The ${what} has not been built. Run <code>npm run build</code>.</p>`;

interface Shell {
  built: boolean;
  raw: Buffer;
  /** Precompressed by the build (scripts/precompress.mjs); null if the build skipped it. */
  br: Buffer | null;
  gzip: Buffer | null;
}

/** The HTML shells are tiny and fixed: read once at boot, served from memory. */
function shell(dist: string, what: string, page = 'index.html'): Shell {
  const file = join(dist, page);
  if (!existsSync(file)) return { built: false, raw: Buffer.from(notBuilt(what)), br: null, gzip: null };
  const variant = (ext: string) => (existsSync(`${file}.${ext}`) ? readFileSync(`${file}.${ext}`) : null);
  return { built: true, raw: readFileSync(file), br: variant('br'), gzip: variant('gz') };
}

/** Sends a shell in the best encoding the client accepts. */
function sendShell(request: FastifyRequest, reply: FastifyReply, page: Shell) {
  const accept = String(request.headers['accept-encoding'] ?? '');
  reply.type('text/html; charset=utf-8').header('vary', 'accept-encoding');
  if (page.br && /\bbr\b/.test(accept)) return reply.header('content-encoding', 'br').send(page.br);
  if (page.gzip && /\bgzip\b/.test(accept)) return reply.header('content-encoding', 'gzip').send(page.gzip);
  return reply.send(page.raw);
}

type SendPage = (request: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * Serves the console at / (single-page app) and the caller page's assets at /c/. The
 * interpreter's page is a second entry of the caller page's build (it shares its i18n and code).
 */
export async function installStaticAssets(
  app: FastifyInstance,
): Promise<{ sendJoinPage: SendPage; sendInterpreterPage: SendPage }> {
  const joinPage = shell(JOIN_DIST, 'caller page');
  const interpreterPage = shell(JOIN_DIST, 'interpreter page', 'interpreter.html');
  const consolePage = shell(CONSOLE_DIST, 'console');
  // Hashed file names: safe to cache for a year. preCompressed serves the build's .br/.gz files.
  const immutable = {
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: '365d',
    preCompressed: true,
  } as const;
  if (joinPage.built)
    await app.register(fastifyStatic, { root: join(JOIN_DIST, 'c'), prefix: '/c/', ...immutable });
  if (consolePage.built && existsSync(join(CONSOLE_DIST, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(CONSOLE_DIST, 'assets'),
      prefix: '/assets/',
      ...immutable,
    });
  }
  // The web app manifest and its icons (field officers install /field on their phones). Not
  // hashed, so cached briefly; never evidence or API answers (no service worker caches anything).
  if (consolePage.built && existsSync(join(CONSOLE_DIST, 'app'))) {
    await app.register(fastifyStatic, {
      root: join(CONSOLE_DIST, 'app'),
      prefix: '/app/',
      decorateReply: false,
      index: false,
      maxAge: '1d',
    });
  }
  // Console routes are client-side: any other GET that wants HTML gets the console shell.
  app.setNotFoundHandler((request, reply) => {
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsHtml && !request.url.startsWith('/api/') && !request.url.startsWith('/c/')) {
      reply.header('cache-control', 'no-store');
      return sendShell(request, reply, consolePage);
    }
    return reply.status(404).send({ error: { code: 'not_found', message: 'no such route' } });
  });
  return {
    sendJoinPage: (request, reply) => sendShell(request, reply, joinPage),
    sendInterpreterPage: (request, reply) => sendShell(request, reply, interpreterPage),
  };
}
