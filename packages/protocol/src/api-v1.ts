import { z } from 'zod';
import { InviteFields, inviteRules } from './api.js';
import { Language, SessionMode, SessionState } from './common.js';
import { EvidenceKind, OfficerRef } from './session.js';

/**
 * What a machine client (a CAD system) may do on /api/v1. A client holds the scopes an admin
 * gave it; an OAuth access token may carry fewer. Least privilege: without `sessions:all` a
 * client sees and ends only the sessions it created itself, and only incidents holding one.
 */
export const API_SCOPES = {
  'invites:write': 'Text a caller a link on behalf of a named call handler.',
  'sessions:read':
    'Read a session this client created: state, times, reference, latest location and evidence list (a read of personal data, audited).',
  'sessions:end': 'End a session this client created.',
  'incidents:read': 'Read the summary of an incident holding a session this client created.',
  'sessions:all':
    'Widens sessions:read, sessions:end and incidents:read to every session and incident, whoever created it.',
} as const;
export const ApiScope = z.enum(Object.keys(API_SCOPES) as [keyof typeof API_SCOPES]);
export type ApiScope = z.infer<typeof ApiScope>;

/** Requests per minute a new client may make unless the admin sets another number. */
export const API_DEFAULT_RATE_PER_MINUTE = 60;

const Uuid = z.string().uuid();

// ---- Admin: managing clients (console, api-client:manage) ----

export const ApiClientStatus = z.enum(['active', 'key-revoked', 'disabled', 'pending-approval']);
export type ApiClientStatus = z.infer<typeof ApiClientStatus>;

/** A client as admins see it; never its key (shown once, stored only as a digest). */
export const ApiClient = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(ApiScope),
  ratePerMinute: z.number().int(),
  status: ApiClientStatus,
  /** The key's public prefix (sl_<keyId>), to tell keys apart in logs; null once revoked. */
  keyPrefix: z.string().nullable(),
  keyCreatedAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  createdBy: OfficerRef,
  lastUsedAt: z.number().int().nullable(),
});
export type ApiClient = z.infer<typeof ApiClient>;

export const ApiClientList = z.object({ clients: z.array(ApiClient) });
export type ApiClientList = z.infer<typeof ApiClientList>;

export const CreateApiClientRequest = z.object({
  name: z.string().trim().min(1, 'name the system').max(80),
  scopes: z.array(ApiScope).min(1, 'choose at least one scope').max(Object.keys(API_SCOPES).length),
  ratePerMinute: z.number().int().min(1).max(6000).default(API_DEFAULT_RATE_PER_MINUTE),
});
export type CreateApiClientRequest = z.infer<typeof CreateApiClientRequest>;

/**
 * A new key, shown once. The same key is the OAuth client secret (with `clientId` as the
 * client_id), so a system uses whichever of the two its software supports.
 */
export const ApiClientKey = z.object({ client: ApiClient, clientId: z.string(), key: z.string() });
export type ApiClientKey = z.infer<typeof ApiClientKey>;

// ---- OAuth 2 client credentials (RFC 6749 §4.4) ----

/** Form fields of the token request; checked by the server so it can answer with RFC 6749 §5.2 errors. */
export const OAuthTokenRequest = z.object({
  grant_type: z.string().max(64).optional(),
  scope: z.string().max(512).optional(),
  client_id: z.string().max(128).optional(),
  client_secret: z.string().max(256).optional(),
});
export type OAuthTokenRequest = z.infer<typeof OAuthTokenRequest>;

export const OAuthToken = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
});
export type OAuthToken = z.infer<typeof OAuthToken>;

export const OAuthErrorCode = z.enum([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
]);
export type OAuthErrorCode = z.infer<typeof OAuthErrorCode>;
export const OAuthError = z.object({ error: OAuthErrorCode, error_description: z.string() });
export type OAuthError = z.infer<typeof OAuthError>;

// ---- The machine API ----

/** A call handler's username, as the CAD knows them. */
const CallHandler = z.string().trim().min(1).max(64);

export const ApiInviteRequest = InviteFields.extend({ callHandler: CallHandler }).superRefine(inviteRules);
export type ApiInviteRequest = z.infer<typeof ApiInviteRequest>;

/** A position as the API reports it: the phone's latest fix. */
export const ApiLocation = z.object({
  lat: z.number(),
  lon: z.number(),
  /** Metres: the radius of 95% confidence the phone reported. */
  accuracy: z.number(),
  /** When the phone took the fix (ms since the epoch). */
  fixedAt: z.number().int(),
  receivedAt: z.number().int(),
});
export type ApiLocation = z.infer<typeof ApiLocation>;

/** A session as a machine client sees it. No link, no full phone number, no media. */
export const ApiSession = z.object({
  id: z.string(),
  reference: z.string().nullable(),
  state: SessionState,
  mode: SessionMode,
  language: Language,
  phoneMasked: z.string(),
  /** The four digits the call handler reads aloud; the caller sees them on the genuine page. */
  verificationCode: z.string(),
  callHandler: OfficerRef,
  incidentId: z.string().nullable(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  openedAt: z.number().int().nullable(),
  consentedAt: z.number().int().nullable(),
  liveAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  endReason: z.string().nullable(),
  latestLocation: ApiLocation.nullable(),
});
export type ApiSession = z.infer<typeof ApiSession>;

/** One stored evidence item: its record, never its bytes. */
export const ApiEvidence = z.object({
  id: z.string(),
  kind: EvidenceKind,
  mediaType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  storedAt: z.number().int(),
  /** Set when retention disposal deleted the bytes (the record stays). */
  disposedAt: z.number().int().nullable(),
});
export type ApiEvidence = z.infer<typeof ApiEvidence>;

export const ApiSessionDetail = z.object({ session: ApiSession, evidence: z.array(ApiEvidence) });
export type ApiSessionDetail = z.infer<typeof ApiSessionDetail>;

export const ApiSessionResult = z.object({ session: ApiSession });
export type ApiSessionResult = z.infer<typeof ApiSessionResult>;

/**
 * The answer to an end: the session's state and nothing more. Ending needs only `sessions:end`,
 * so it must not show what `sessions:read` guards (location, phone, verification code).
 */
export const ApiEndedSession = ApiSession.pick({ id: true, state: true, endedAt: true, endReason: true });
export type ApiEndedSession = z.infer<typeof ApiEndedSession>;
export const ApiEndSessionResult = z.object({ session: ApiEndedSession });
export type ApiEndSessionResult = z.infer<typeof ApiEndSessionResult>;

/** Optional: a POST with no body ends the session with reason `ended_by_api`. */
export const ApiEndSessionRequest = z.object({ reason: z.string().trim().max(200).optional() }).nullish();

export const ApiIncident = z.object({
  id: z.string(),
  title: z.string(),
  cadReference: z.string().nullable(),
  createdAt: z.number().int(),
  closedAt: z.number().int().nullable(),
  /** How many sessions the incident holds; `sessions` lists those this client may read. */
  sessionCount: z.number().int(),
  sessions: z.array(ApiSession),
});
export type ApiIncident = z.infer<typeof ApiIncident>;

export const ApiIdParams = z.object({ id: Uuid });
