import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Network location (AML) intake settings (docs/aml.md); config.ts spreads these into its schema. */
export const AML_ENV = {
  // Senders present it as `Authorization: Bearer <secret>`; unset (and no CA), there is no /api/aml.
  AML_SECRET: optional.pipe(
    z
      .string()
      .min(24, 'at least 24 characters (e.g. openssl rand -hex 32)')
      .regex(/^[A-Za-z0-9._~+/=-]+$/, 'letters, digits and . _ ~ + / = - only (it travels in a header)')
      .nullable(),
  ),
  // PEM file of the CA that issues the networks' client certificates (needs SIGHTLINE_TLS_CERT/KEY).
  AML_CLIENT_CA: optional,
  // A message attaches to a session for its number created this long either side of its position time.
  AML_MATCH_WINDOW_MINUTES: int(1, 24 * 60).default(60),
  // Unmatched and quarantined messages are deleted after this many days.
  AML_RETENTION_DAYS: int(1, 3650).default(7),
  // Messages accepted per sending address per minute.
  AML_RATE_PER_MINUTE: int(1, 100_000).default(600),
};

type AmlEnv = { [K in keyof typeof AML_ENV]: z.infer<(typeof AML_ENV)[K]> };

/** The AML intake, or null when neither a secret nor a client CA is set (the route does not exist). */
export function shapeAml(e: AmlEnv, tls: { cert: string; key: string } | null, fail: (m: string) => Error) {
  if (e.AML_SECRET === null && e.AML_CLIENT_CA === null) return null;
  let clientCa: string | null = null;
  if (e.AML_CLIENT_CA !== null) {
    if (!tls)
      throw fail(
        'SIGHTLINE_AML_CLIENT_CA needs SIGHTLINE_TLS_CERT and SIGHTLINE_TLS_KEY: client certificates are checked only where this server terminates TLS',
      );
    if (!existsSync(e.AML_CLIENT_CA)) throw fail(`SIGHTLINE_AML_CLIENT_CA: no file at ${e.AML_CLIENT_CA}`);
    clientCa = readFileSync(e.AML_CLIENT_CA, 'utf8');
    if (!clientCa.includes('-----BEGIN CERTIFICATE-----'))
      throw fail(`SIGHTLINE_AML_CLIENT_CA: ${e.AML_CLIENT_CA} holds no PEM certificate`);
  }
  return {
    /** Bearer secret every message must carry; null: not required. */
    secret: e.AML_SECRET,
    /** PEM of the CA client certificates must chain to; null: no certificate required. */
    clientCa,
    matchWindowMs: e.AML_MATCH_WINDOW_MINUTES * 60_000,
    retentionMs: e.AML_RETENTION_DAYS * 86_400_000,
    ratePerMinute: e.AML_RATE_PER_MINUTE,
  };
}
