import { z } from 'zod';

/** Where a text stands: accepted by us, taken by the provider, on the phone, or not going to arrive. */
export const TextStatus = z.enum(['queued', 'sent', 'delivered', 'failed']);
export type TextStatus = z.infer<typeof TextStatus>;

/** The gateway the officer chose: the configured one, or the fallback ("another route"). */
export const TextRoute = z.enum(['primary', 'fallback']);
export type TextRoute = z.infer<typeof TextRoute>;

/** The header carrying one press of Send: the server sends at most one text per key. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** What a key may look like (the console sends a UUID). */
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, '16-64 letters, digits, _ or -');

/** One attempt to text a session's link. */
export const TextDelivery = z.object({
  id: z.string(),
  /** 1 for the invite, then each resend. */
  attempt: z.number().int(),
  /** 2 when the fallback gateway took over after the first refused this press. */
  tryNo: z.number().int(),
  route: TextRoute,
  gateway: z.string(),
  status: TextStatus,
  /** Why it failed, in words (the provider's reason). */
  reason: z.string().nullable(),
  /** No answer in time, or a dropped connection: the text may still arrive. */
  uncertain: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  deliveredAt: z.number().int().nullable(),
});
export type TextDelivery = z.infer<typeof TextDelivery>;

export const TextList = z.object({
  texts: z.array(TextDelivery),
  /** The configured gateways: a resend may go by either. */
  gateways: z.object({ primary: z.string(), fallback: z.string().nullable() }),
});
export type TextList = z.infer<typeof TextList>;

export const ResendTextRequest = z.object({ route: TextRoute.default('primary') });
export type ResendTextRequest = z.infer<typeof ResendTextRequest>;
