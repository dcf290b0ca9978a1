import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { disagreements, type ServedRoute } from './consistency.js';
import type { OpenApiDocument, OpenApiOperation } from './openapi-document.js';

const ok = { 200: z.object({ ok: z.boolean() }) };
const getSession: ServedRoute = {
  method: 'GET',
  url: '/api/v1/sessions/:id',
  schema: { params: z.object({ id: z.string() }), response: ok },
};
const op = (operationId: string, extra: Partial<OpenApiOperation> = {}): OpenApiOperation => ({
  operationId,
  summary: `${operationId} summary`,
  responses: {},
  ...extra,
});
const doc = (paths: OpenApiDocument['paths']): OpenApiDocument => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths,
});

describe('disagreements between routes and the public document', () => {
  it('finds none when every public route is documented once, fully', () => {
    const routes = [getSession, { ...getSession, method: 'HEAD' }];
    expect(disagreements(routes, doc({ '/api/v1/sessions/{id}': { get: op('getSession') } }))).toEqual([]);
  });

  it('names a public route missing from the document and an operation no route serves', () => {
    const routes = [getSession];
    expect(disagreements(routes, doc({ '/api/v1/sessions/{id}/end': { post: op('endSession') } }))).toEqual([
      'GET /api/v1/sessions/:id is served but not in the document',
      'POST /api/v1/sessions/{id}/end is in the document but no route serves it',
    ]);
  });

  it('ignores the console’s internal routes and hidden ones', () => {
    const routes: ServedRoute[] = [
      { method: 'POST', url: '/api/sessions', schema: undefined },
      { method: 'GET', url: '/api/v1/openapi.json', schema: { hide: true } },
    ];
    expect(disagreements(routes, doc({}))).toEqual([]);
  });

  it('requires a summary, a unique operationId, a success answer, params and a body', () => {
    const routes: ServedRoute[] = [
      { method: 'GET', url: '/api/v1/a/:id', schema: { response: { 404: z.object({}) } } },
      { method: 'POST', url: '/api/v1/b', schema: { response: ok } },
    ];
    const paths = {
      '/api/v1/a/{id}': { get: op('same', { summary: '' }) },
      '/api/v1/b': { post: op('same') },
    };
    expect(disagreements(routes, doc(paths))).toEqual([
      'GET /api/v1/a/{id} declares no success response schema',
      'GET /api/v1/a/{id} declares no params schema',
      'POST /api/v1/b declares no body schema',
      'GET /api/v1/a/{id} has no summary',
      'POST /api/v1/b reuses operationId "same" of GET /api/v1/a/{id}',
    ]);
  });

  it('checks the probes operations tools call, which are public too', () => {
    const routes: ServedRoute[] = [{ method: 'GET', url: '/readyz', schema: { response: ok } }];
    expect(
      disagreements(routes, doc({ '/readyz': { get: op('getReadiness', { operationId: '' }) } })),
    ).toEqual(['GET /readyz has no operationId']);
  });

  it('names a machine route whose documented security is not the scope it checks', () => {
    const route: ServedRoute = { ...getSession, auth: { client: true, scope: 'sessions:read' } };
    const documented = (scope: string) =>
      doc({
        '/api/v1/sessions/{id}': {
          get: op('getSession', { security: [{ bearer: [scope] }, { oauth2: [scope] }] }),
        },
      });
    expect(disagreements([route], documented('sessions:read'))).toEqual([]);
    expect(disagreements([route], documented('sessions:all'))).toEqual([
      'GET /api/v1/sessions/{id} documents another security than the route checks',
    ]);
  });
});
