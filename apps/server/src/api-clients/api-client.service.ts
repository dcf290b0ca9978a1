import type {
  ApiClient,
  ApiClientKey,
  ApiScope,
  CreateApiClientRequest,
  OAuthError,
  OAuthToken,
  OAuthTokenRequest,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Random } from '../adapters/random.js';
import type { ApprovalService, ChangeKind } from '../approvals/approval.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { ApiClientRepository, ApiClientRow } from './api-client.repository.js';
import {
  accessTokenDigest,
  keyPrefix,
  newAccessToken,
  newKey,
  parseKey,
  parseScopes,
  sameDigest,
} from './credentials.js';

type Officer = Actor & { type: 'officer' };

/** Who is calling /api/v1, with what it may do on this request. */
export interface ApiPrincipal {
  id: string;
  name: string;
  /** The client's scopes, or the (narrower) scopes of the access token it presented. */
  scopes: ApiScope[];
  ratePerMinute: number;
}

/**
 * Short-lived: a leaked access token is worth ten minutes, and a client asks for a new one with
 * its secret. Stored as a digest in the database (not signed) so revoking, rotating or disabling
 * ends every token of the client at once, on every instance.
 */
export const ACCESS_TOKEN_TTL_MS = 10 * 60_000;
/** `last_used_at` is written at most this often per client. */
const TOUCH_EVERY_MS = 60_000;

export type TokenAnswer =
  | { ok: true; token: OAuthToken }
  | { ok: false; status: 400 | 401; error: OAuthError };

/**
 * Machine clients of /api/v1: admins create them with scopes and a rate limit, rotate or revoke
 * their key, disable them. A client authenticates with its key, or exchanges it (as the OAuth
 * client secret) for an access token. Every change and every token issued is audited.
 * A new client, and re-enabling one, wait for a second admin (approvals/): until then its key
 * is refused with `client_pending_approval`, so one admin alone cannot read callers' data.
 */
export class ApiClientService {
  constructor(
    private readonly repo: ApiClientRepository,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly approvals: Pick<ApprovalService, 'register' | 'request' | 'supersede'>,
  ) {
    approvals.register('api-client', (id, kind) => this.#approved(id, kind));
  }

  async list(): Promise<ApiClient[]> {
    return (await this.repo.list()).map(toClient);
  }

  /** Creates a client and its first key (returned once, never stored in clear). */
  async create(input: CreateApiClientRequest, by: Officer, ip: string | null): Promise<ApiClientKey> {
    const id = this.random.id();
    const now = this.clock.now();
    const k = newKey(this.random);
    const scopes = [...new Set(input.scopes)];
    await this.repo.insert({
      id,
      name: input.name.trim(),
      scopes: JSON.stringify(scopes),
      rate_per_minute: input.ratePerMinute,
      key_id: k.keyId,
      key_hash: k.hash,
      key_created_at: now,
      created_by: by.id,
      created_by_name: by.name,
      created_at: now,
      disabled_at: null,
      last_used_at: null,
      pending_approval: 1,
    });
    await this.record(by, 'api-client.create', id, ip, {
      name: input.name.trim(),
      scopes,
      ratePerMinute: input.ratePerMinute,
      keyPrefix: keyPrefix(k.keyId),
    });
    await this.approvals.request('api-client', id, 'create', { name: input.name.trim(), scopes }, by, ip);
    return { client: await this.get(id), clientId: id, key: k.key };
  }

  /** A new key in place of the old one, which (with its tokens) stops working at once. */
  async rotate(id: string, by: Officer, ip: string | null): Promise<ApiClientKey> {
    const before = await this.row(id);
    const k = newKey(this.random);
    await this.repo.update(id, { key_id: k.keyId, key_hash: k.hash, key_created_at: this.clock.now() });
    await this.repo.dropTokens(id);
    await this.record(by, 'api-client.rotate', id, ip, {
      previous: before.key_id ? keyPrefix(before.key_id) : null,
      keyPrefix: keyPrefix(k.keyId),
    });
    return { client: await this.get(id), clientId: id, key: k.key };
  }

  /** Revokes the key (and its tokens); the client stays listed, and a rotate gives it a new one. */
  async revoke(id: string, by: Officer, ip: string | null): Promise<ApiClient> {
    const before = await this.row(id);
    await this.repo.update(id, { key_id: null, key_hash: null, key_created_at: null });
    await this.repo.dropTokens(id);
    await this.record(by, 'api-client.revoke', id, ip, {
      keyPrefix: before.key_id ? keyPrefix(before.key_id) : null,
    });
    return this.get(id);
  }

  /** Refuses the client whatever it presents until enabled again. */
  async disable(id: string, by: Officer, ip: string | null): Promise<ApiClient> {
    await this.row(id);
    await this.repo.update(id, { disabled_at: this.clock.now() });
    await this.repo.dropTokens(id);
    // A disable overrides an earlier wish to enable it; a new client stays unapproved.
    await this.approvals.supersede('api-client', id, by, 'the client was disabled');
    await this.record(by, 'api-client.disable', id, ip);
    return this.get(id);
  }

  /** Asks a second admin to let a disabled (or never approved) client work again. */
  async enable(id: string, by: Officer, ip: string | null): Promise<ApiClient> {
    const row = await this.row(id);
    if (row.disabled_at === null && row.pending_approval === 0) return toClient(row);
    await this.approvals.request(
      'api-client',
      id,
      'enable',
      { name: row.name, scopes: scopesOf(row) },
      by,
      ip,
    );
    await this.record(by, 'api-client.enable_requested', id, ip);
    return this.get(id);
  }

  /** A second admin approved: the client works (its new key, or again after being disabled). */
  async #approved(id: string, kind: ChangeKind): Promise<void> {
    await this.row(id);
    await this.repo.update(
      id,
      kind === 'enable' ? { disabled_at: null, pending_approval: 0 } : { pending_approval: 0 },
    );
  }

  /** The client presenting this bearer value (an API key or an access token); null if none may. */
  async authenticate(bearer: string, ip: string | null = null): Promise<ApiPrincipal | null> {
    const now = this.clock.now();
    const tokenHash = accessTokenDigest(bearer);
    if (tokenHash) {
      const row = await this.repo.tokenByHash(tokenHash, now);
      if (!row || !usable(row)) return null;
      refusePending(row);
      // Scopes an admin has since taken away from the client are gone from its tokens too.
      const held = new Set(scopesOf(row));
      return this.#principal(
        row,
        (JSON.parse(row.token_scopes) as ApiScope[]).filter((s) => held.has(s)),
      );
    }
    const row = await this.#byKey(bearer, ip);
    if (row) refusePending(row);
    return row ? this.#principal(row, scopesOf(row)) : null;
  }

  /** The OAuth 2 token endpoint (RFC 6749 §4.4): a client's key, as its secret, for an access token. */
  async issueToken(
    form: OAuthTokenRequest,
    authorization: string | undefined,
    ip: string | null,
  ): Promise<TokenAnswer> {
    const refuse = (status: 400 | 401, error: OAuthError['error'], description: string): TokenAnswer => ({
      ok: false,
      status,
      error: { error, error_description: description },
    });
    if (!form.grant_type) return refuse(400, 'invalid_request', 'grant_type is required');
    if (form.grant_type !== 'client_credentials')
      return refuse(400, 'unsupported_grant_type', 'only client_credentials is supported');
    const basic = basicCredentials(authorization);
    // A client that tried the header and got it wrong is refused, not judged by the body (§2.3.1).
    if (basic === 'malformed')
      return refuse(401, 'invalid_client', 'the Authorization header is not valid client_secret_basic');
    if (basic && (form.client_id || form.client_secret))
      return refuse(400, 'invalid_request', 'send the client credentials one way only (Basic or the body)');
    const creds = basic ?? { id: form.client_id, secret: form.client_secret };
    const row = creds.id && creds.secret ? await this.#byKey(creds.secret, ip) : null;
    if (!row || row.id !== creds.id) return refuse(401, 'invalid_client', 'unknown client or wrong secret');
    if (row.pending_approval)
      return refuse(400, 'unauthorized_client', "this client is waiting for a second admin's approval");
    const held = scopesOf(row);
    const asked = form.scope?.trim() ? parseScopes(form.scope) : held;
    if (!asked || asked.length === 0 || !asked.every((s) => held.includes(s)))
      return refuse(400, 'invalid_scope', `this client may ask only for: ${held.join(' ')}`);
    const now = this.clock.now();
    const t = newAccessToken(this.random);
    await this.repo.insertToken({
      token_hash: t.hash,
      client_id: row.id,
      scopes: JSON.stringify(asked),
      created_at: now,
      expires_at: now + ACCESS_TOKEN_TTL_MS,
    });
    await this.audit.record({
      actor: clientActor(row),
      action: 'api-client.token',
      subject: { type: 'api-client', id: row.id },
      detail: { scopes: asked, expiresAt: now + ACCESS_TOKEN_TTL_MS },
      ip,
    });
    await this.repo.touch(row.id, now, now - TOUCH_EVERY_MS);
    return {
      ok: true,
      token: {
        access_token: t.token,
        token_type: 'Bearer',
        expires_in: ACCESS_TOKEN_TTL_MS / 1000,
        scope: asked.join(' '),
      },
    };
  }

  /**
   * The active client whose key this is (digests compared in constant time); null otherwise. A
   * known key id with a wrong secret, or a disabled client's key, is audited against the client.
   */
  async #byKey(value: string, ip: string | null): Promise<ApiClientRow | null> {
    const parsed = parseKey(value);
    if (!parsed) return null;
    const row = await this.repo.byKeyId(parsed.keyId);
    if (!row?.key_hash) return null;
    const refused = !sameDigest(parsed.hash, row.key_hash)
      ? 'wrong-secret'
      : row.disabled_at !== null
        ? 'client-disabled'
        : null;
    if (!refused) return row;
    await this.audit.record({
      actor: { type: 'system' },
      action: 'api-client.auth-failed',
      subject: { type: 'api-client', id: row.id },
      detail: { keyPrefix: keyPrefix(parsed.keyId), reason: refused },
      ip,
    });
    return null;
  }

  async #principal(row: ApiClientRow, scopes: ApiScope[]): Promise<ApiPrincipal> {
    const now = this.clock.now();
    if (row.last_used_at === null || row.last_used_at < now - TOUCH_EVERY_MS)
      await this.repo.touch(row.id, now, now - TOUCH_EVERY_MS);
    return { id: row.id, name: row.name, scopes, ratePerMinute: Number(row.rate_per_minute) };
  }

  private async get(id: string): Promise<ApiClient> {
    return toClient(await this.row(id));
  }

  private async row(id: string): Promise<ApiClientRow> {
    const row = await this.repo.byId(id);
    if (!row) throw notFound('API client');
    return row;
  }

  private async record(
    by: Officer,
    action: string,
    id: string,
    ip: string | null,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record({
      actor: by,
      action,
      subject: { type: 'api-client', id },
      ip,
      ...(detail ? { detail } : {}),
    });
  }
}

/** The audit actor for a client. */
export const clientActor = (c: { id: string; name: string }): Actor => ({
  type: 'api-client',
  id: c.id,
  name: c.name,
});

const usable = (row: ApiClientRow) => row.disabled_at === null && row.key_hash !== null;

/** A right key of a client no second admin has approved yet: say so, rather than a bare 401. */
function refusePending(row: ApiClientRow): void {
  if (row.pending_approval)
    throw new DomainError(
      'client_pending_approval',
      "this API client is waiting for a second admin's approval",
    );
}
const scopesOf = (row: ApiClientRow) => JSON.parse(row.scopes) as ApiScope[];

/**
 * client_secret_basic: both parts form-urlencoded, then Base64 (RFC 6749 §2.3.1). Null without an
 * Authorization header; 'malformed' for any other scheme or a value that does not decode.
 */
function basicCredentials(header: string | undefined): { id: string; secret: string } | 'malformed' | null {
  if (header === undefined) return null;
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!m) return 'malformed';
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    const unform = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

function toClient(row: ApiClientRow): ApiClient {
  return {
    id: row.id,
    name: row.name,
    scopes: scopesOf(row),
    ratePerMinute: Number(row.rate_per_minute),
    status:
      row.disabled_at !== null
        ? 'disabled'
        : row.pending_approval
          ? 'pending-approval'
          : row.key_hash === null
            ? 'key-revoked'
            : 'active',
    keyPrefix: row.key_id ? keyPrefix(row.key_id) : null,
    keyCreatedAt: row.key_created_at === null ? null : Number(row.key_created_at),
    createdAt: Number(row.created_at),
    createdBy: { id: row.created_by, name: row.created_by_name },
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
