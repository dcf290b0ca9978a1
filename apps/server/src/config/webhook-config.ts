import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The SIGHTLINE_WEBHOOK_* settings (docs/webhooks.md); config.ts spreads these into its schema. */
export const WEBHOOK_ENV = {
  // Plain http endpoints: for tests and private networks only (the body carries locations).
  WEBHOOK_ALLOW_HTTP: flag,
  // Loopback, link-local and private addresses: refused unless set (SSRF; docs/webhooks.md).
  WEBHOOK_ALLOW_PRIVATE: flag,
  WEBHOOK_LOCATION_SECONDS: int(1, 3600).default(30),
  WEBHOOK_TIMEOUT_SECONDS: int(1, 60).default(10),
  WEBHOOK_MAX_ATTEMPTS: int(1, 50).default(12),
  // The first retry's wait; each further retry doubles it (with jitter), up to an hour.
  WEBHOOK_RETRY_BASE_MS: int(100, 3_600_000).default(10_000),
  WEBHOOK_POLL_MS: int(50, 60_000).default(2_000),
  // How long the previous secret still signs after a rotation, so receivers can switch over.
  WEBHOOK_SECRET_GRACE_HOURS: int(0, 24 * 30).default(24),
  // Sent and given-up deliveries are deleted after this long (each holds a CAD reference and positions).
  WEBHOOK_KEEP_DELIVERED_DAYS: int(1, 365).default(7),
  WEBHOOK_KEEP_DEAD_DAYS: int(1, 365).default(30),
};

type WebhookEnv = { [K in keyof typeof WEBHOOK_ENV]: z.infer<(typeof WEBHOOK_ENV)[K]> };

/** The webhook settings as services use them. */
export function shapeWebhooks(e: WebhookEnv) {
  return {
    urls: { allowHttp: e.WEBHOOK_ALLOW_HTTP, allowPrivate: e.WEBHOOK_ALLOW_PRIVATE },
    locationIntervalMs: e.WEBHOOK_LOCATION_SECONDS * 1000,
    timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
    maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    backoff: { baseMs: e.WEBHOOK_RETRY_BASE_MS, capMs: Math.max(e.WEBHOOK_RETRY_BASE_MS, 3_600_000) },
    pollMs: e.WEBHOOK_POLL_MS,
    secretGraceMs: e.WEBHOOK_SECRET_GRACE_HOURS * 3_600_000,
    keepDeliveredMs: e.WEBHOOK_KEEP_DELIVERED_DAYS * 86_400_000,
    keepDeadMs: e.WEBHOOK_KEEP_DEAD_DAYS * 86_400_000,
  };
}
