import { WEBHOOK_EVENT_SUMMARIES, WebhookEvent, WebhookEventType } from '@sightline/protocol';
import { z } from 'zod';
import {
  EVENT_ID_HEADER,
  REPLAY_WINDOW_SECONDS,
  SIGNATURE_HEADER,
} from '../../webhooks/webhook-signature.js';
import type { OpenApiOperation } from './openapi-document.js';

/** The body schema of one event type: its member of the `WebhookEvent` union, as JSON Schema 2020-12. */
function payloadSchema(type: WebhookEventType): Record<string, unknown> {
  const member = WebhookEvent.options.find((o) => o.shape.type.value === type);
  if (!member) throw new Error(`WebhookEvent has no member for ${type}`);
  const { $schema: _, ...schema } = z.toJSONSchema(member, { target: 'draft-2020-12', io: 'output' });
  return schema;
}

/** The headers every delivery carries; a receiver must check the signature before parsing the body. */
const SIGNATURE_PARAMETERS = [
  {
    in: 'header',
    name: SIGNATURE_HEADER,
    required: true,
    description:
      '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` ' +
      `values while a rotated secret's grace period runs. Refuse it when \`t\` is more than ${REPLAY_WINDOW_SECONDS} ` +
      'seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md.',
    schema: { type: 'string', pattern: '^t=\\d+(,v1=[0-9a-f]{64})+$' },
  },
  {
    in: 'header',
    name: EVENT_ID_HEADER,
    required: true,
    description: 'The event id (the body’s `id`), the same on every retry: de-duplicate on it.',
    schema: { type: 'string' },
  },
];

/** Webhook `session.ended` → operationId `sessionEndedWebhook`. */
const operationId = (type: string) => `${type.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase())}Webhook`;

/**
 * OpenAPI 3.1's top-level `webhooks`: one entry per event type Sightline sends, each a POST of its
 * payload schema with the signature headers. Generated from packages/protocol, never by hand.
 */
export function webhooksDocument(
  types: readonly WebhookEventType[] = WebhookEventType.options,
): Record<string, { post: OpenApiOperation }> {
  return Object.fromEntries(
    types.map((type) => [
      type,
      {
        post: {
          operationId: operationId(type),
          summary: WEBHOOK_EVENT_SUMMARIES[type],
          tags: ['webhooks'],
          parameters: SIGNATURE_PARAMETERS,
          requestBody: { required: true, content: { 'application/json': { schema: payloadSchema(type) } } },
          responses: {
            '2XX': { description: 'Stored: the delivery is done. Answer quickly; do slow work afterwards.' },
            '410': { description: 'Gone: the endpoint is disabled until an admin enables it again.' },
            default: {
              description: 'Any other answer (or none in time) is retried with exponential backoff.',
            },
          },
        },
      },
    ]),
  );
}
