import { readFile } from 'node:fs/promises';
import { compileErrors, validate } from '@readme/openapi-parser';
import { API_SCOPES, WebhookEventType } from '@sightline/protocol';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { disagreements, webhookDisagreements } from './consistency.js';
import { type GeneratedApi, generateApiDocuments } from './generate.js';
import { type OpenApiDocument, type OpenApiOperation, serializeDocument } from './openapi-document.js';

const COMMITTED = new URL('../../../../../docs/api/openapi.json', import.meta.url);
const STALE =
  'docs/api/openapi.json is out of date: run `npm run build && npm run openapi` and commit the result';

/** The OpenAPI validator's verdict as one string: empty when valid, its readable errors otherwise. */
async function invalidity(doc: OpenApiDocument): Promise<string> {
  const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
  return result.valid ? '' : compileErrors(result);
}

// The CI check of docs/openapi.md: the committed document, the routes and the OpenAPI schema agree.
describe('the public OpenAPI document', () => {
  let generated: GeneratedApi;
  let committed: string;
  beforeAll(async () => {
    generated = await generateApiDocuments();
    committed = await readFile(COMMITTED, 'utf8').catch(() => ''); // missing: the first test says what to run
  });

  it('is the committed docs/api/openapi.json, byte for byte', () => {
    expect(serializeDocument(generated.document), STALE).toBe(committed);
  });

  it('lists every public route with its method and path, and only served ones, each fully declared', () => {
    expect(Object.keys(generated.document.paths ?? {}).length).toBeGreaterThan(0);
    const onFile = committed ? (JSON.parse(committed) as OpenApiDocument) : generated.document;
    expect(disagreements(generated.routes, onFile), `routes against ${STALE.split(' ')[0]}`).toEqual([]);
    expect(disagreements(generated.routes, generated.document), 'routes against their own document').toEqual(
      [],
    );
  });

  it('describes how a client authenticates: bearer keys or tokens and OAuth client credentials with every scope', () => {
    const schemes = generated.document.components?.securitySchemes as Record<string, Record<string, unknown>>;
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.oauth2).toMatchObject({
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: '/api/v1/oauth/token', scopes: API_SCOPES } },
    });
    const paths = generated.document.paths ?? {};
    expect(paths['/api/v1/invites']?.post?.security).toEqual([
      { bearer: ['invites:write'] },
      { oauth2: ['invites:write'] },
    ]);
    expect(paths['/api/v1/sessions/{id}']?.get?.security).toEqual([
      { bearer: ['sessions:read'] },
      { oauth2: ['sessions:read'] },
    ]);
    // The token endpoint and the probes need no credential.
    expect(paths['/api/v1/oauth/token']?.post).not.toHaveProperty('security');
    expect(paths['/healthz']?.get).not.toHaveProperty('security');
  });

  it('documents every webhook the server sends as a signed POST of its payload schema', () => {
    expect(Object.keys(generated.document.webhooks ?? {}).sort()).toEqual(
      [...WebhookEventType.options].sort(),
    );
    expect(webhookDisagreements(generated.document)).toEqual([]);
    const ended = generated.document.webhooks?.['session.ended']?.post as OpenApiOperation;
    expect(ended.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'header', name: 'sightline-signature', required: true }),
        expect.objectContaining({ in: 'header', name: 'sightline-event-id', required: true }),
      ]),
    );
    const body = (ended.requestBody as { content: Record<string, { schema: { properties: object } }> })
      .content['application/json']!.schema;
    expect(body.properties).toMatchObject({
      type: { const: 'session.ended' },
      data: { required: ['reason'] },
    });
    // A type the server starts sending without a regenerated document is named.
    expect(webhookDisagreements(generated.document, [...WebhookEventType.options, 'session.paused'])).toEqual(
      ['webhook session.paused is sent but not in the document'],
    );
  });

  it('is valid OpenAPI 3.1 (JSON Schema 2020-12: no `nullable`), and so is the officers’ full document', async () => {
    expect(generated.document.openapi).toBe('3.1.0');
    expect(await invalidity(generated.document)).toBe('');
    expect(await invalidity(generated.full)).toBe('');
    expect(JSON.stringify(generated.full)).not.toContain('"nullable"');
  });

  it('keeps the console’s internal routes out, and gives every route an operationId unique in the full document', () => {
    expect(Object.keys(generated.document.paths ?? {}).filter((p) => p.startsWith('/api/sessions'))).toEqual(
      [],
    );
    expect(Object.keys(generated.full.paths ?? {})).toContain('/api/sessions/{id}/evidence');
    const ids = Object.values(generated.full.paths ?? {}).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fails when a machine-API route is added without regenerating the document', async () => {
    const added = await generateApiDocuments((app) => {
      app.withTypeProvider<ZodTypeProvider>().get(
        '/api/v1/sessions/:id/probe',
        {
          schema: {
            operationId: 'probeSession',
            summary: 'A route added for this test',
            params: z.object({ id: z.string().uuid() }),
            response: { 200: z.object({ ok: z.boolean() }) },
          },
          config: { auth: { public: true } },
        },
        async () => ({ ok: true }),
      );
    });
    expect(serializeDocument(added.document)).not.toBe(committed);
    expect(disagreements(added.routes, generated.document)).toEqual([
      'GET /api/v1/sessions/:id/probe is served but not in the document',
    ]);
    // Regenerated, it agrees again: the route appears in the document by its prefix alone.
    expect(disagreements(added.routes, added.document)).toEqual([]);
  });
});
