/**
 * Which routes the public OpenAPI document lists, and how it is cut from the full one.
 * Pure: the consistency test, the `npm run openapi` script and the served document share it.
 */

/** The OpenAPI version of both documents: JSON Schema 2020-12, so `type: [..., 'null']`, no `nullable`. */
export const OPENAPI_VERSION = '3.1.0';

/** The machine API's document, public and stable (docs/openapi.md). */
export const PUBLIC_DOCUMENT_URL = '/api/v1/openapi.json';
/** The interactive reference page for the public document. */
export const REFERENCE_PAGE_PREFIX = '/api/v1/docs';

/**
 * What other systems call: the versioned machine API (every route under the prefix appears as it
 * lands) and the probes operations tools poll. The console's own routes (`/api/*` without `v1`)
 * change with the console and stay in the officer-only document at /api/openapi.json.
 */
const PUBLIC_PREFIXES = ['/api/v1/'];
const PUBLIC_EXACT = new Set(['/healthz', '/readyz']);

/** True when a route (Fastify URL or OpenAPI path) belongs in the public document. */
export function isPublicPath(path: string): boolean {
  if (path === PUBLIC_DOCUMENT_URL || path.startsWith(`${REFERENCE_PAGE_PREFIX}`)) return false;
  return PUBLIC_EXACT.has(path) || PUBLIC_PREFIXES.some((p) => path.startsWith(p));
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The part of an OpenAPI 3.1 document this code reads. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, OpenApiOperation>>;
  /** OpenAPI 3.1's webhooks: what Sightline POSTs to a subscriber, by event type. */
  webhooks?: Record<string, Record<string, OpenApiOperation>>;
  components?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Title and description of the public document; the version follows the API's path (`v1`). */
export const PUBLIC_INFO = {
  title: 'Sightline machine API',
  version: '1',
  description:
    'For computer-aided dispatch (CAD) and other systems: invites, sessions, evidence lists, the ' +
    'signed webhooks Sightline sends, and the health probes. Generated from the zod schemas the server validates with; see docs/openapi.md.',
};

/** The public document: the full one with only the public paths, in a stable (sorted) order. */
export function publicDocument(full: OpenApiDocument): OpenApiDocument {
  const paths = Object.fromEntries(
    Object.keys(full.paths ?? {})
      .filter(isPublicPath)
      .sort()
      .map((path) => [path, full.paths?.[path] ?? {}]),
  );
  const { schemas = {}, securitySchemes } = (full.components ?? {}) as {
    schemas?: Record<string, unknown>;
    securitySchemes?: Record<string, unknown>;
  };
  const components = {
    // Only when a route schema is registered as a component (zod `.meta({ id })`): then referenced.
    ...(Object.keys(schemas).length ? { schemas } : {}),
    ...(securitySchemes ? { securitySchemes } : {}),
  };
  return {
    openapi: full.openapi,
    info: PUBLIC_INFO,
    paths,
    ...(full.webhooks ? { webhooks: full.webhooks } : {}),
    ...(Object.keys(components).length ? { components } : {}),
  };
}

/** The bytes committed as docs/api/openapi.json: two-space JSON and a final newline. */
export function serializeDocument(doc: OpenApiDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Fastify's `/a/:id/*` as OpenAPI's `/a/{id}/{*}`, the form @fastify/swagger writes. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');
}

/**
 * A readable operationId for a route that declares none (the console's internal routes):
 * `GET /api/sessions/:id/evidence` → `getApiSessionsIdEvidence`. Unique while method and path are.
 */
export function derivedOperationId(method: string, url: string): string {
  const words = url
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join('');
}
