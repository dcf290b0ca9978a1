import { z } from 'zod';

// Webhooks (issue 12): what Sightline POSTs to a CAD system's endpoint, and the admin API that
// manages those endpoints. docs/webhooks.md describes the signature, retries and SSRF rules.

/** The events an endpoint can subscribe to. */
export const WebhookEventType = z
  .enum([
    'session.opened',
    'session.consented',
    'session.refused',
    'session.live',
    'session.location',
    'session.ended',
    'evidence.stored',
    'export.ready',
  ])
  .describe(
    'What happened: the caller opened the link, consented or refused, went live, moved, the session ended, evidence was stored, an export is ready.',
  );
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** When each event is sent, one line each (docs/webhooks.md; the OpenAPI document's `webhooks`). */
export const WEBHOOK_EVENT_SUMMARIES: Record<WebhookEventType, string> = {
  'session.opened': 'The caller opened the link (first open, on the device that claimed it)',
  'session.consented': 'The caller agreed to share',
  'session.refused': 'The caller refused',
  'session.live': "The caller's stream reached the server, or a location-only link sent its first fix",
  'session.location':
    'A new position: at most one per session every SIGHTLINE_WEBHOOK_LOCATION_SECONDS, the newest',
  'session.ended': 'The session ended (officer, caller, time limit…)',
  'evidence.stored': 'An evidence item was stored and its hash checked',
  'export.ready': 'A signed export including this session finished (one event per session in it)',
};

const envelope = {
  id: z.string().describe('Unique per event (the same on every retry): receivers de-duplicate on it.'),
  occurredAt: z.number().int().describe('When it happened, epoch milliseconds.'),
  sessionId: z.string().describe('The Sightline session.'),
  reference: z
    .string()
    .nullable()
    .describe("The session's CAD incident reference (as given on the invite), or null."),
};

const empty = z.object({}).strict();

/** Every webhook body, by `type`. Minimal on purpose: never the caller's phone number. */
export const WebhookEvent = z
  .discriminatedUnion('type', [
    z.object({ ...envelope, type: z.literal('session.opened'), data: empty }),
    z.object({ ...envelope, type: z.literal('session.consented'), data: empty }),
    z.object({ ...envelope, type: z.literal('session.refused'), data: empty }),
    z.object({
      ...envelope,
      type: z.literal('session.live'),
      data: z.object({
        via: z
          .enum(['media', 'location'])
          .describe('media: the camera stream arrived; location: a location-only link sent its first fix.'),
      }),
    }),
    z.object({
      ...envelope,
      type: z.literal('session.location'),
      data: z
        .object({
          lat: z.number(),
          lon: z.number(),
          accuracy: z.number().describe('Radius in metres.'),
          fixTime: z.number().int().describe("The phone's time of the fix, epoch ms."),
        })
        .describe('The newest fix; at most one event per session every SIGHTLINE_WEBHOOK_LOCATION_SECONDS.'),
    }),
    z.object({
      ...envelope,
      type: z.literal('session.ended'),
      data: z.object({ reason: z.string().describe('officer, caller, time_limit, …') }),
    }),
    z.object({
      ...envelope,
      type: z.literal('evidence.stored'),
      data: z.object({
        evidenceId: z.string(),
        kind: z.string().describe('recording, photo, location-track, …'),
        sha256: z.string(),
        size: z.number().int(),
      }),
    }),
    z.object({
      ...envelope,
      type: z.literal('export.ready'),
      data: z.object({
        exportId: z.string().describe('The export job; download it from the console.'),
        sessionIds: z
          .array(z.string())
          .describe('Every session in the export (an incident export has several).'),
      }),
    }),
  ])
  .describe('A webhook body. Signed: see the Sightline-Signature header and docs/webhooks.md.');
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/** An endpoint as admins see it: never its secret. */
export const WebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(WebhookEventType),
  enabled: z.boolean(),
  /** Why it was disabled (an admin, or the receiver answered 410 Gone); null when enabled. */
  disabledReason: z.string().nullable(),
  createdAt: z.number().int(),
  /** When the secret was last rotated; the previous one still signs until `previousSecretUntil`. */
  secretRotatedAt: z.number().int().nullable(),
  previousSecretUntil: z.number().int().nullable(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointList = z.object({ endpoints: z.array(WebhookEndpoint) });
export type WebhookEndpointList = z.infer<typeof WebhookEndpointList>;

/** POST /api/webhooks and PATCH /api/webhooks/:id. */
export const WebhookEndpointInput = z.object({
  url: z.string().trim().url().max(2000),
  description: z.string().trim().max(200).default(''),
  events: z.array(WebhookEventType).min(1).max(WebhookEventType.options.length),
  enabled: z.boolean().default(true),
});
export type WebhookEndpointInput = z.input<typeof WebhookEndpointInput>;

/** Answer to create and rotate: the signing secret, shown this once. */
export const WebhookSecretGrant = z.object({
  endpoint: WebhookEndpoint,
  secret: z.string().describe('whsec_…: shown once; Sightline keeps it sealed and never returns it again.'),
});
export type WebhookSecretGrant = z.infer<typeof WebhookSecretGrant>;

export const WebhookDeliveryState = z.enum(['pending', 'delivered', 'dead']);
export type WebhookDeliveryState = z.infer<typeof WebhookDeliveryState>;

export const WebhookDelivery = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: WebhookEventType,
  sessionId: z.string().nullable(),
  state: WebhookDeliveryState,
  attempts: z.number().int(),
  nextAttemptAt: z.number().int().nullable(),
  lastAttemptAt: z.number().int().nullable(),
  /** The receiver's HTTP status, or null when it could not be reached. */
  lastStatus: z.number().int().nullable(),
  /** What went wrong: a network error, or the first 200 characters of the receiver's answer. */
  lastError: z.string().nullable(),
  createdAt: z.number().int(),
  deliveredAt: z.number().int().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = z.object({ deliveries: z.array(WebhookDelivery) });
export type WebhookDeliveryList = z.infer<typeof WebhookDeliveryList>;

export const WebhookDeliveryQuery = z.object({
  state: WebhookDeliveryState.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
