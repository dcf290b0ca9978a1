type Ms = number;

/** A receiver of webhooks, managed by admins (migration 0022). */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string;
  /** JSON array of protocol `WebhookEventType`. */
  events: string;
  enabled: number;
  disabled_reason: string | null;
  /** The signing secret, sealed (SecretBox 'webhook-secrets', context `webhook:<id>`). */
  secret_sealed: string;
  /** The secret before the last rotation, still signing until previous_secret_until. */
  previous_secret_sealed: string | null;
  previous_secret_until: Ms | null;
  secret_rotated_at: Ms | null;
  created_by: string;
  created_at: Ms;
  updated_at: Ms;
}

/** One event for one endpoint: the transactional outbox (migration 0022). */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  session_id: string | null;
  /** The exact JSON sent (and signed) on every attempt. */
  body: string;
  /** pending | delivered | dead */
  state: string;
  attempts: number;
  scheduled_at: Ms;
  next_attempt_at: Ms | null;
  last_attempt_at: Ms | null;
  last_status: number | null;
  last_error: string | null;
  lease_owner: string | null;
  lease_expires_at: Ms | null;
  created_at: Ms;
  delivered_at: Ms | null;
}

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
