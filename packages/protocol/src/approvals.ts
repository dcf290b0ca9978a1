import { z } from 'zod';
import { ApiScope } from './api-v1.js';
import { WebhookEventType } from './webhooks.js';

/**
 * What an approval would let out of the system. `api-client`: a new client, a re-enabled one or
 * wider scopes. `webhook`: a new endpoint, a new URL, more events or re-enabling.
 */
export const IntegrationApprovalKind = z.enum(['api-client', 'webhook']);
export type IntegrationApprovalKind = z.infer<typeof IntegrationApprovalKind>;

/**
 * A change one admin asked for that waits for a second admin (not the requester) before it
 * applies. Shows the approver what they approve: the client's name and scopes, or the endpoint's
 * URL host and events (never the full URL, which may carry a receiver's token).
 */
export const IntegrationApproval = z.object({
  id: z.string(),
  kind: IntegrationApprovalKind,
  subjectId: z.string(),
  /** The client's name, or the endpoint's description. */
  name: z.string(),
  /** What was asked: `create`, `enable`, `scopes`, `change`. */
  change: z.enum(['create', 'enable', 'scopes', 'change']),
  scopes: z.array(ApiScope).nullable(),
  urlHost: z.string().nullable(),
  events: z.array(WebhookEventType).nullable(),
  requestedAt: z.number().int(),
  requestedById: z.string(),
  requestedByName: z.string(),
  state: z.enum(['pending', 'approved', 'refused', 'superseded']),
  decidedAt: z.number().int().nullable(),
  decidedById: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decisionReason: z.string().nullable(),
});
export type IntegrationApproval = z.infer<typeof IntegrationApproval>;

export const IntegrationApprovalList = z.object({ approvals: z.array(IntegrationApproval) });
export type IntegrationApprovalList = z.infer<typeof IntegrationApprovalList>;
