import { describe, expect, it } from 'vitest';
import {
  derivedOperationId,
  isPublicPath,
  type OpenApiDocument,
  openApiPath,
  publicDocument,
} from './openapi-document.js';

describe('the public document', () => {
  it('lists the machine API and the probes, not the console’s routes nor the docs themselves', () => {
    expect(['/api/v1/sessions', '/api/v1/sessions/{id}', '/healthz', '/readyz'].every(isPublicPath)).toBe(
      true,
    );
    expect(
      [
        '/api/sessions',
        '/api/v1',
        '/api/v1/openapi.json',
        '/api/v1/docs',
        '/api/v1/docs/json',
        '/metrics',
      ].some(isPublicPath),
    ).toBe(false);
  });

  it('keeps only public paths, sorted, under the public title', () => {
    const full: OpenApiDocument = {
      openapi: '3.1.0',
      info: { title: 'Sightline API', version: '0.1.0' },
      paths: { '/readyz': {}, '/api/sessions': {}, '/api/v1/b': {}, '/api/v1/a': {} },
      components: { schemas: {} },
    };
    const doc = publicDocument(full);
    expect(Object.keys(doc.paths ?? {})).toEqual(['/api/v1/a', '/api/v1/b', '/readyz']);
    expect(doc.info.title).toBe('Sightline machine API');
    expect(doc).not.toHaveProperty('components');
  });

  it('writes Fastify paths as OpenAPI paths and derives readable operationIds', () => {
    expect(openApiPath('/api/v1/sessions/:id/evidence/:itemId')).toBe(
      '/api/v1/sessions/{id}/evidence/{itemId}',
    );
    expect(derivedOperationId('GET', '/api/sessions/:id/evidence')).toBe('getApiSessionsIdEvidence');
  });
});
