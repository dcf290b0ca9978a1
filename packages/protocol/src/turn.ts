import { z } from 'zod';
import { IceServer, IceTransportPolicy } from './common.js';

/** GET /api/turn: how this server hands out TURN (never the shared secret). */
export const TurnSettings = z.object({
  turnConfigured: z.boolean(),
  /** SIGHTLINE_TURN_URLS, as browsers get them. */
  turnUrls: z.array(z.string()),
  /** How long each issued credential opens allocations; null without TURN. */
  ttlSeconds: z.number().int().nullable(),
  callerPolicy: IceTransportPolicy,
  /** SIGHTLINE_ICE_SERVERS' URLs (STUN). */
  stunUrls: z.array(z.string()),
});
export type TurnSettings = z.infer<typeof TurnSettings>;

/** POST /api/turn/check: a short-lived credential for this officer's browser to try relay-only. */
export const TurnCheckGrant = z.object({
  iceServers: z.array(IceServer),
  /** Epoch ms. */
  expiresAt: z.number().int(),
});
export type TurnCheckGrant = z.infer<typeof TurnCheckGrant>;
