import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import {
  derivedOperationId,
  OPENAPI_VERSION,
  type OpenApiDocument,
  PUBLIC_DOCUMENT_URL,
  publicDocument,
  REFERENCE_PAGE_PREFIX,
} from './openapi-document.js';
import { REFERENCE_PAGE_CSS } from './reference-theme.js';
import { operationSecurity, SECURITY_SCHEMES } from './security.js';
import { webhooksDocument } from './webhooks-document.js';

/** The document's frame; the routes fill its paths. Security schemes and webhooks come from protocol. */
const OPENAPI_OPTIONS = {
  openapi: OPENAPI_VERSION,
  info: { title: 'Sightline API', version: '0.1.0' },
  components: { securitySchemes: SECURITY_SCHEMES },
  webhooks: webhooksDocument(),
} as FastifyDynamicSwaggerOptions['openapi'];

/** Requests per address per minute to the public document and the reference page's files. */
const PUBLIC_RATE_LIMIT = { max: 120, timeWindow: '1 minute' };

/**
 * Collects every route's schemas into an OpenAPI 3.1 document (fastify-type-provider-zod emits
 * JSON Schema 2020-12 for 3.1). Call before `installAuth`: the reference page's own routes (the
 * plugin's static files) carry no auth policy, and the hook below gives them the public one
 * before the auth hook's check runs.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: OPENAPI_OPTIONS,
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      const schema = (out.schema ?? {}) as Record<string, unknown>;
      if (schema.hide) return out;
      const method = [input.route.method].flat()[0] ?? 'GET';
      // The scope a machine route checks (its `config.auth`) is the scope the document names.
      const security = operationSecurity(input.route.config?.auth);
      return {
        ...out,
        schema: {
          ...schema,
          operationId: (schema.operationId as string | undefined) ?? derivedOperationId(method, input.url),
          ...(security ? { security } : {}),
        },
      };
    },
  });
  app.addHook('onRoute', (route) => {
    const page = route.url === REFERENCE_PAGE_PREFIX || route.url.startsWith(`${REFERENCE_PAGE_PREFIX}/`);
    if (page && !route.config?.auth) route.config = { ...route.config, auth: { public: true } };
  });
}

/** The documents and the reference page. Register after `installAuth`. */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  const publicDoc = () => publicDocument(app.swagger() as OpenApiDocument);

  // Everything, console routes included: for officers building on the internal API.
  app.get('/api/openapi.json', { schema: { hide: true }, config: { auth: { officer: true } } }, async () =>
    app.swagger(),
  );
  app.get(
    PUBLIC_DOCUMENT_URL,
    { schema: { hide: true }, config: { auth: { public: true }, rateLimit: PUBLIC_RATE_LIMIT } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      return publicDoc();
    },
  );

  // Swagger UI from the package's own files (no CDN), under the server's CSP; it reads ./json,
  // which the plugin would fill with the full document: it gets the public one instead.
  await app.register(async (docs) => {
    docs.addHook('onRequest', docs.rateLimit(PUBLIC_RATE_LIMIT));
    await docs.register(swaggerUi, {
      routePrefix: REFERENCE_PAGE_PREFIX,
      transformSpecification: () => publicDoc(),
      transformSpecificationClone: false,
      uiHooks: {
        // @fastify/swagger-ui 6.1.3 redirects `static/index.html?<query>` to itself, forever (it
        // rewrites the path with the query still on; found by fuzz.int.test.ts): send it on here.
        onRequest: async (request, reply) => {
          if (request.routeOptions.url === `${REFERENCE_PAGE_PREFIX}/static/index.html`)
            return reply.redirect(`${REFERENCE_PAGE_PREFIX}/`, 302);
        },
      },
      uiConfig: {
        // No top bar: its logo is an SVG with an inline <style> the CSP refuses, and its box would
        // fetch any URL typed into it.
        layout: 'BaseLayout',
        // Deep links nest a link in each operation's button (axe: nested-interactive, target-size);
        // the highlighter's colours fail contrast. Plain text reads the same.
        deepLinking: false,
        syntaxHighlight: false,
        tryItOutEnabled: false,
      },
      theme: {
        title: 'Sightline machine API',
        css: [{ filename: 'contrast.css', content: REFERENCE_PAGE_CSS }],
      },
    });
  });
}
