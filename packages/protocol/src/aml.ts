import { z } from 'zod';

/** How the handset found its position: the AML positioning method, in words. */
export const AmlMethod = z.enum(['gnss', 'wifi', 'cell', 'fused', 'unknown']);
export type AmlMethod = z.infer<typeof AmlMethod>;

/**
 * A network location (Advanced Mobile Location) as the console shows it beside the phone's
 * GPS: where, how sure, how found. The handset identifiers (IMEI, IMSI) stay on the server.
 */
export const AmlFix = z.object({
  id: z.string(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** Radius of the handset's stated confidence, metres. */
  radiusM: z.number().min(0),
  /** Percent confidence that the handset is inside the radius; null when not sent. */
  confidence: z.number().int().min(0).max(100).nullable(),
  method: AmlMethod,
  /** When the handset positioned itself, ms since the epoch (UTC). */
  positionedAt: z.number().int(),
  receivedAt: z.number().int(),
  /** `https` (key=value POST) or `sms` (A"ML=1;… text). */
  format: z.enum(['https', 'sms']),
});
export type AmlFix = z.infer<typeof AmlFix>;

/** The network fix against the phone's newest GPS fix, when the session has one. */
export const AmlComparison = z.object({
  distanceM: z.number().min(0),
  amlRadiusM: z.number().min(0),
  gpsRadiusM: z.number().min(0),
  /** distance > r_aml + r_gps: no point lies inside both circles. */
  disagree: z.boolean(),
});
export type AmlComparison = z.infer<typeof AmlComparison>;

/** What POST /api/aml answers when a message is stored. */
export const AmlAccepted = z.object({
  id: z.string(),
  /** The session it attached to; null while it waits for one (docs/aml.md, matching). */
  sessionId: z.string().nullable(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AmlAccepted = z.infer<typeof AmlAccepted>;

/** A message refused as malformed, kept for inspection (personal data: reading it is audited). */
export const AmlQuarantined = z.object({
  id: z.string(),
  receivedAt: z.number().int(),
  format: z.enum(['https', 'sms']).nullable(),
  /** The bytes as received (UTF-8; invalid sequences replaced). */
  raw: z.string(),
  /** Field → what was wrong with it. */
  errors: z.record(z.string(), z.string()),
  remoteAddress: z.string().nullable(),
});
export type AmlQuarantined = z.infer<typeof AmlQuarantined>;

export const AmlQuarantineList = z.object({ items: z.array(AmlQuarantined) });
export type AmlQuarantineList = z.infer<typeof AmlQuarantineList>;
