import { WebhookEventType } from '@sightline/protocol';
import type { FastifySchema } from 'fastify';
import { SIGNATURE_HEADER } from '../../webhooks/webhook-signature.js';
import type { RouteAuth } from '../auth-hooks.js';
import { isPublicPath, type OpenApiDocument, openApiPath } from './openapi-document.js';
import { operationSecurity } from './security.js';

/** One registered route, as `app.routePolicies` lists it. */
export interface ServedRoute {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
  /** Its policy: a machine route's scope must be the one its operation's `security` names. */
  auth?: RouteAuth | undefined;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Where the routes the server serves and the public document disagree, one sentence each (empty
 * when they agree). Every public route must be documented with the same method and path, every
 * documented operation must be served, and each must declare what it takes and answers, a summary
 * and an operationId unique in the document.
 */
export function disagreements(routes: readonly ServedRoute[], doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  const served = new Set<string>();
  for (const route of routes) {
    // Fastify adds a HEAD for every GET; the document lists the GET.
    if (route.method === 'HEAD' || route.method === 'OPTIONS' || route.schema?.hide) continue;
    const path = openApiPath(route.url);
    if (!isPublicPath(path)) continue;
    const key = `${route.method} ${path}`;
    served.add(key);
    const op = doc.paths?.[path]?.[route.method.toLowerCase()];
    if (!op) problems.push(`${route.method} ${route.url} is served but not in the document`);
    else if (JSON.stringify(op.security) !== JSON.stringify(operationSecurity(route.auth)))
      problems.push(`${key} documents another security than the route checks`);
    problems.push(...undeclared(route, key));
  }

  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const [method, op] of Object.entries(item)) {
      const key = `${method.toUpperCase()} ${path}`;
      if (!served.has(key)) problems.push(`${key} is in the document but no route serves it`);
      if (!op.summary) problems.push(`${key} has no summary`);
      if (!op.operationId) problems.push(`${key} has no operationId`);
      else if (ids.has(op.operationId))
        problems.push(`${key} reuses operationId "${op.operationId}" of ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, key);
    }
  return problems;
}

/** What the route's schema leaves undeclared: its answer, its path parameters, its body. */
function undeclared(route: ServedRoute, key: string): string[] {
  const s = route.schema ?? {};
  const problems: string[] = [];
  const response = (s.response ?? {}) as Record<string, unknown>;
  if (!Object.keys(response).some((code) => /^2(\d\d|XX)$/.test(code)))
    problems.push(`${key} declares no success response schema`);
  if (route.url.includes(':') && !s.params) problems.push(`${key} declares no params schema`);
  if (METHODS_WITH_BODY.has(route.method) && !s.body) problems.push(`${key} declares no body schema`);
  return problems;
}

/**
 * Where the document's webhooks and the events the server sends disagree: every event type
 * (`WebhookEventType`, what the outbox writes) is documented as a signed POST, and nothing else is.
 */
export function webhookDisagreements(
  doc: OpenApiDocument,
  types: readonly string[] = WebhookEventType.options,
): string[] {
  const documented = doc.webhooks ?? {};
  const problems = types
    .filter((type) => !documented[type]?.post?.requestBody)
    .map((type) => `webhook ${type} is sent but not in the document`);
  for (const [type, item] of Object.entries(documented)) {
    if (!types.includes(type)) problems.push(`webhook ${type} is in the document but never sent`);
    const headers = ((item.post?.parameters ?? []) as Array<{ name?: string }>).map((p) => p.name);
    if (item.post && !headers.includes(SIGNATURE_HEADER))
      problems.push(`webhook ${type} does not document the ${SIGNATURE_HEADER} header`);
  }
  return problems;
}
