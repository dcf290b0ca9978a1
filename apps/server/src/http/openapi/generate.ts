import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config/config.js';
import { buildContainer } from '../../container.js';
import { silentLogger } from '../../lib/logger.js';
import { buildApp } from '../app.js';
import type { ServedRoute } from './consistency.js';
import { type OpenApiDocument, publicDocument } from './openapi-document.js';

/**
 * The settings the documents are generated under: the defaults, plus whatever turns on an optional
 * public route (a route registered only when configured would otherwise be missing from the
 * document). Placeholders, never real secrets: nothing is started and the directory is thrown away.
 */
const DOCUMENTED_SETTINGS: Record<string, string> = {};

export interface GeneratedApi {
  /** The public document, as served at /api/v1/openapi.json and committed as docs/api/openapi.json. */
  document: OpenApiDocument;
  /** The whole document, console routes included, as served to officers at /api/openapi.json. */
  full: OpenApiDocument;
  /** Every registered route, from `app.routePolicies`. */
  routes: ServedRoute[];
}

/**
 * Builds the app in a throwaway data directory with the default settings and reads its documents;
 * nothing listens and nothing is started (no Janus, no jobs). `extend` may add routes before the
 * app is ready (the test adds one to show the check catches it).
 */
export async function generateApiDocuments(
  extend?: (app: FastifyInstance) => void | Promise<void>,
): Promise<GeneratedApi> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-openapi-'));
  try {
    const config = loadConfig({
      ...DOCUMENTED_SETTINGS,
      SIGHTLINE_DATA_DIR: dataDir,
      SIGHTLINE_DATABASE_URL: 'sqlite::memory:',
    });
    const c = await buildContainer(config, silentLogger);
    try {
      const app = await buildApp(c, {});
      await extend?.(app);
      await app.ready();
      const full = app.swagger() as OpenApiDocument;
      const routes = app.routePolicies.map(({ method, url, schema, auth }) => ({
        method,
        url,
        schema,
        auth,
      }));
      await app.close();
      return { document: publicDocument(full), full, routes };
    } finally {
      await c.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
