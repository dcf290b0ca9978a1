import { z } from 'zod';

/** Largest WebSocket message either side may send; SDP offers are ~5-15 KB. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Largest SDP we accept; anything bigger is not a browser offer. */
export const MAX_SDP_CHARS = 48 * 1024;

/** Stable error codes sent to clients. Never rename one: clients branch on them. */
export const ErrorCode = z.enum([
  'bad_request',
  'bad_message',
  'message_too_large',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'not_found',
  'link_unavailable',
  'invalid_phone_number',
  'consent_required',
  'already_decided',
  /** The consent named a text version this server never showed in that language and mode (422). */
  'consent_text_unknown',
  'not_publishing',
  'unknown_view',
  'session_not_live',
  'session_ended',
  'media_unavailable',
  'rate_limited',
  /** Too many invites to one number in the last hour (429). */
  'invite_limit_number',
  /** Too many invites by one officer in the last minute or hour (429). */
  'invite_limit_officer',
  'conflict',
  /** A chunk's bytes do not match the hash sent with it: damaged on the way; send it again (422). */
  'damaged_in_transit',
  /** The evidence store or the server's spool is full or read-only; what arrived is kept (507). */
  'storage_unavailable',
  /** A TURN check was asked for, but no TURN server is configured (409). */
  'turn_not_configured',
  /** The share was revoked, ran out or its session ended: the field officer's access is over (410). */
  'share_ended',
  /** A webhook URL that is not https, or points at a loopback, link-local or private address (422). */
  'webhook_url_refused',
  /** An API client (or its change) is waiting for a second admin's approval and cannot be used yet (403). */
  'client_pending_approval',
  /** A scheduled check's link before its window opens; `fields.opensAt` says when (epoch ms) (403). */
  'link_not_yet_open',
  /** An interpreter invited to a location-only link: there is no call to interpret (409). */
  'interpreter_needs_video',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const SessionState = z.enum(['sent', 'opened', 'consented', 'refused', 'live', 'ended', 'expired']);
export type SessionState = z.infer<typeof SessionState>;

/**
 * `dpo`: data-protection / disclosure officer (subject access, redaction, exports).
 * `field-officer`: armed-response and other officers on the road; they see only sessions shared with them.
 */
export const Role = z.enum(['call-handler', 'supervisor', 'admin', 'dpo', 'field-officer']);
export type Role = z.infer<typeof Role>;

const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullable();

/**
 * One position fix as the phone reported it. Ranges are physical limits, so a
 * value outside them is a bug or an attack, never a real reading.
 */
export const LocationFix = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** Radius of 95% confidence, metres. */
  accuracy: z.number().min(0).max(1_000_000),
  altitude: nullableNumber(-1_000, 100_000),
  altitudeAccuracy: nullableNumber(0, 1_000_000),
  /** Degrees clockwise from true north. */
  heading: nullableNumber(0, 360),
  /** Metres per second. */
  speed: nullableNumber(0, 1_000),
  /** When the device took the fix, ms since the epoch (device clock). */
  fixTime: z.number().int().min(0),
});
export type LocationFix = z.infer<typeof LocationFix>;

/** A fix as stored and relayed: adds when the server received it. */
export const ReceivedFix = LocationFix.extend({ receivedAt: z.number().int() });
export type ReceivedFix = z.infer<typeof ReceivedFix>;

export const IceCandidate = z
  .object({
    candidate: z.string().max(1024),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  })
  .nullable();
export type IceCandidate = z.infer<typeof IceCandidate>;

export const Sdp = z.string().min(10).max(MAX_SDP_CHARS);

export const ErrorMessage = z.object({
  type: z.literal('error'),
  code: ErrorCode,
  message: z.string(),
  /** The `id` of the client message this answers, when there was one. */
  ref: z.string().optional(),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;

/** Optional client-chosen id, echoed as `ref` in errors so the client knows what failed. */
export const MessageId = z.string().max(64).optional();

/** An RTCIceServer as configured (SIGHTLINE_ICE_SERVERS) and handed to browsers. */
export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** `relay`: the browser sends media only through TURN (SIGHTLINE_CALLER_ICE_POLICY). */
export const IceTransportPolicy = z.enum(['all', 'relay']);
export type IceTransportPolicy = z.infer<typeof IceTransportPolicy>;

/** What a link shares: live video (default), location only (missing-person / welfare), or two-way video (bail checks). */
export const SessionMode = z.enum(['video', 'location', 'two-way']);
export type SessionMode = z.infer<typeof SessionMode>;

/** Languages the caller page and the text message come in (London's most common). RTL: ar, ur. */
export const Language = z.enum(['en', 'cy', 'pl', 'ro', 'bn', 'ur', 'ar', 'es', 'pt', 'so', 'tr', 'gu']);
export type Language = z.infer<typeof Language>;
export const RTL_LANGUAGES: readonly Language[] = ['ar', 'ur'];

/** One text message between the caller and the officers. */
export const ChatMessage = z.object({
  id: z.string(),
  /** Order within the session, assigned by the server. */
  seq: z.number().int(),
  from: z.enum(['caller', 'officer']),
  officerName: z.string().nullable(),
  text: z.string(),
  /** The sender's own id for the message, so a resend after a reconnect is not stored twice. */
  clientId: z.string(),
  /** When the sender wrote it (their clock), ms. */
  sentAt: z.number().int(),
  receivedAt: z.number().int(),
  deliveredAt: z.number().int().nullable(),
  readAt: z.number().int().nullable(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatText = z.string().trim().min(1).max(2000);
export const ClientId = z.string().min(6).max(64);

/** What the officer can ask the caller's phone to do; the caller always decides. */
export const OfficerRequestAction = z.enum(['switch-camera', 'torch-on', 'torch-off']);
export type OfficerRequestAction = z.infer<typeof OfficerRequestAction>;

/** The caller's media controls as they stand. */
export const CallerMediaState = z.object({
  video: z.enum(['on', 'paused', 'off']),
  audio: z.enum(['on', 'muted', 'off']),
  camera: z.enum(['back', 'front', 'unknown']),
  torch: z.boolean(),
});
export type CallerMediaState = z.infer<typeof CallerMediaState>;

/** Connection quality as the caller's page measures it, and the video step it chose. */
export const QualityLevel = z.enum(['good', 'fair', 'poor', 'stills']);
export type QualityLevel = z.infer<typeof QualityLevel>;

/**
 * Which of the caller's simulcast layers a live view receives: `high` (full picture, the
 * default), `low` (the light layer, for thin links and small tiles), or `auto` (the viewer
 * moves between them from its own receive statistics, starting light).
 */
export const VideoLayer = z.enum(['high', 'low', 'auto']);
export type VideoLayer = z.infer<typeof VideoLayer>;
/** A layer as the media server is asked for it (auto is the viewer's business). */
export const ServedLayer = z.enum(['high', 'low']);
export type ServedLayer = z.infer<typeof ServedLayer>;
