import { createHmac, timingSafeEqual } from 'node:crypto';

/** Receivers refuse a signature whose timestamp is further than this from their clock (docs/webhooks.md). */
export const REPLAY_WINDOW_SECONDS = 300;

export const SIGNATURE_HEADER = 'sightline-signature';
export const EVENT_ID_HEADER = 'sightline-event-id';

/** Hex HMAC-SHA256 of `<timestamp>.<raw body>` under `secret`. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The Sightline-Signature header: `t=<unix seconds>,v1=<hex>`, with one `v1` per secret (two
 * while a rotation's grace period runs, so a receiver holding either secret accepts it).
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signPayload(s, timestamp, body)}`)].join(',');
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * What a receiver runs on each request (docs/webhooks.md prints the same logic): the raw body, the
 * header, its secret(s) and its clock in unix seconds. A stale timestamp is refused even when the
 * signature matches, so a captured request cannot be replayed after the window.
 */
export function verifySignature(
  header: string | undefined,
  rawBody: string,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds = REPLAY_WINDOW_SECONDS,
): VerifyResult {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const given = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v as string);
  if (!Number.isInteger(t) || given.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: 'stale' };
  for (const secret of secrets) {
    const expected = Buffer.from(signPayload(secret, t, rawBody), 'hex');
    for (const sig of given) {
      const got = Buffer.from(sig, 'hex');
      if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true };
    }
  }
  return { ok: false, reason: 'mismatch' };
}
