import { createHash } from 'node:crypto';
import type { Role } from '@sightline/protocol';
import * as client from 'openid-client';
import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import { isUniqueViolation } from '../../adapters/db/errors.js';
import type { OfficersTable } from '../../adapters/db/schema.js';
import { withTransaction } from '../../adapters/db/transaction.js';
import type { SecretBox } from '../../adapters/keys/secret-box.js';
import type { IdentityProvider } from '../../adapters/oidc/openid-provider.js';
import type { Random } from '../../adapters/random.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { OidcConfig } from '../../config/sign-in-config.js';
import type { EventPublisher } from '../../events/event-bus.js';
import type { Logger } from '../../lib/logger.js';
import { toView } from '../../officers/officer.service.js';
import type { AuthService, SignedIn } from '../auth.service.js';
import { mapRoles } from './role-map.js';

/** How long a browser may spend at the provider between leaving and coming back. */
const REDIRECT_MS = 10 * 60_000;
/** Marks an account without a local password (no argon2 hash starts with '!'). */
export const NO_PASSWORD = '!sso';

export type SsoRefusal =
  | 'expired'
  | 'provider_error'
  | 'invalid'
  | 'no_mapped_group'
  | 'group_overage'
  | 'disabled';
export type SsoOutcome = { ok: true; session: SignedIn } | { ok: false; reason: SsoRefusal };

interface Checks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * Officer single sign-on. The redirect's state, nonce and PKCE verifier are kept server-side
 * under a short-lived cookie (sealed, single use). An officer is found by (issuer, subject) and
 * never by a name or e-mail; their roles come from the provider's claims through the configured
 * map at every sign-in, so removing someone from a group takes effect at their next sign-in
 * (and ends their open sessions if no mapped group is left).
 */
export class SsoService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: AuditService,
    private readonly events: EventPublisher,
    private readonly auth: AuthService,
    private readonly provider: IdentityProvider,
    readonly config: OidcConfig,
    private readonly box: SecretBox,
    private readonly log: Logger,
  ) {}

  /** Starts a sign-in: the cookie that binds the browser to this attempt, and where to send it. */
  async start(): Promise<{ cookie: string; url: string }> {
    const checks: Checks = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = await this.provider.authorizationUrl(checks);
    // Sealed to this step's id: a sealed payload cannot be moved to another browser's step.
    const cookie = await this.auth.challenges.create(
      'oidc',
      null,
      (idHash) => this.box.seal(JSON.stringify(checks), idHash),
      REDIRECT_MS,
    );
    return { cookie, url: url.href };
  }

  /** The provider sent the browser back: validate everything, then sign the officer in or refuse. */
  async callback(cookie: string | undefined, callbackUrl: URL, ip: string | null): Promise<SsoOutcome> {
    const step = await this.auth.challenges.find(cookie, 'oidc');
    // Single use: consumed before the code is redeemed, so a replayed callback finds nothing.
    if (!step || !(await this.auth.challenges.consume(step.id_hash)))
      return this.refuse('expired', ip, {
        why: 'no live sign-in attempt for this browser (expired or used)',
      });
    const plain = step.payload ? this.box.open(step.payload, step.id_hash) : null;
    if (!plain) return this.refuse('expired', ip, { why: 'sign-in attempt could not be read' });
    const checks = JSON.parse(plain) as Checks;
    const providerError = callbackUrl.searchParams.get('error');
    if (providerError) return this.refuse('provider_error', ip, { error: providerError.slice(0, 100) });
    let claims: Record<string, unknown>;
    let idToken: string;
    try {
      ({ claims, idToken } = await this.provider.redeem(callbackUrl, checks));
    } catch (err) {
      const e = err as { code?: string; message?: string; cause?: { message?: string } };
      const why = [e.code ?? 'error', e.message, e.cause?.message].filter(Boolean).join(': ');
      // Not the error object: openid-client attaches the token's claims (names, e-mail) to it.
      this.log.warn({ why: why.slice(0, 300) }, "sso: the provider's answer was refused");
      return this.refuse('invalid', ip, { error: why.slice(0, 300) });
    }
    const issuer = String(claims.iss);
    const subject = String(claims.sub);
    const who = { issuer, subject };
    const mapping = mapRoles(claims, this.config.roleClaim, this.config.roleMap);
    const identity = await this.db
      .selectFrom('officer_identities')
      .selectAll()
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    let row: OfficersTable | undefined = identity
      ? await this.db
          .selectFrom('officers')
          .selectAll()
          .where('id', '=', identity.officer_id)
          .executeTakeFirst()
      : undefined;
    if (!mapping.ok) {
      if (row) await this.withdraw(row);
      return this.refuse(mapping.reason, ip, { ...who, claimValues: mapping.seen }, row);
    }
    if (row?.disabled_at != null) return this.refuse('disabled', ip, who, row);
    const displayName = nameFrom(claims, subject);
    if (!row) row = await this.createOfficer(claims, who, displayName, mapping.roles);
    else row = await this.remap(row, displayName, mapping.roles, issuer);
    await this.db
      .updateTable('officer_identities')
      .set({ last_login_at: this.clock.now() })
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .execute();
    const session = await this.auth.startSession(
      row,
      ip,
      { method: 'sso', issuer, matched: mapping.matched },
      (sessionKey) => this.box.seal(idToken, sessionKey),
    );
    return { ok: true, session };
  }

  /** The provider's sign-out URL for a session that came from SSO, or null. */
  async endSessionUrl(sealedIdToken: string | null, sessionKey: string): Promise<string | null> {
    if (!sealedIdToken) return null;
    try {
      const url = await this.provider.endSessionUrl(this.box.open(sealedIdToken, sessionKey));
      return url?.href ?? null;
    } catch (err) {
      // Sightline's own sign-out has happened; the provider being down must not undo that.
      this.log.warn({ err }, 'sso: no end-session URL (provider unreachable)');
      return null;
    }
  }

  private async createOfficer(
    claims: Record<string, unknown>,
    who: { issuer: string; subject: string },
    displayName: string,
    roles: Role[],
  ): Promise<OfficersTable> {
    const now = this.clock.now();
    const row: OfficersTable = {
      id: this.random.id(),
      username: await this.freeUsername(claims, who),
      display_name: displayName,
      password_hash: NO_PASSWORD,
      roles: JSON.stringify(roles),
      created_at: now,
      disabled_at: null,
      last_login_at: null,
    };
    // Both rows in one transaction: an identity whose officer insert failed would otherwise point
    // at no one, and every later sign-in of that person would fail on it. Two first sign-ins of
    // one person at once (two tabs) race on the identity's key; the loser's transaction waits for
    // the winner's and fails, and the loser signs in to the winner's account.
    try {
      await withTransaction(this.db, async (trx) => {
        await trx
          .insertInto('officer_identities')
          .values({ ...who, officer_id: row.id, created_at: now, last_login_at: null })
          .execute();
        await trx.insertInto('officers').values(row).execute();
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const won = await this.db
        .selectFrom('officer_identities as i')
        .innerJoin('officers as o', 'o.id', 'i.officer_id')
        .selectAll('o')
        .where('i.issuer', '=', who.issuer)
        .where('i.subject', '=', who.subject)
        .executeTakeFirst();
      // Not the identity's key: the username was taken meanwhile. Nothing was kept; a retry picks another.
      if (!won) throw err;
      return won;
    }
    await this.audit.record({
      actor: { type: 'system' },
      action: 'officer.create',
      subject: { type: 'officer', id: row.id },
      detail: { username: row.username, roles, via: 'sso', ...who },
    });
    return row;
  }

  /** Every sign-in brings the provider's current name and roles. */
  private async remap(row: OfficersTable, displayName: string, roles: Role[], issuer: string) {
    const before = toView(row).roles;
    const json = JSON.stringify(roles);
    if (json === JSON.stringify(before) && displayName === row.display_name) return row;
    await this.db
      .updateTable('officers')
      .set({ roles: json, display_name: displayName })
      .where('id', '=', row.id)
      .execute();
    if (json !== JSON.stringify(before)) {
      await this.audit.record({
        actor: { type: 'system' },
        action: 'officer.roles_set',
        subject: { type: 'officer', id: row.id },
        detail: {
          from: before,
          to: roles,
          reason: 'identity provider claims at sign-in',
          via: 'sso',
          issuer,
        },
      });
      this.events.publish('officer.rolesChanged', { officerId: row.id, roles });
    }
    return { ...row, roles: json, display_name: displayName };
  }

  /** The provider no longer gives the officer a mapped group: no roles, and their consoles close. */
  private async withdraw(row: OfficersTable): Promise<void> {
    const before = toView(row).roles;
    if (before.length === 0) return;
    await this.db.updateTable('officers').set({ roles: '[]' }).where('id', '=', row.id).execute();
    await this.db
      .updateTable('officer_sessions')
      .set({ revoked_at: this.clock.now() })
      .where('officer_id', '=', row.id)
      .where('revoked_at', 'is', null)
      .execute();
    await this.audit.record({
      actor: { type: 'system' },
      action: 'officer.roles_set',
      subject: { type: 'officer', id: row.id },
      detail: { from: before, to: [], reason: 'no mapped group in the identity provider claims', via: 'sso' },
    });
    // Its own reason: 'signed out' would tell the officer they had signed out in another window.
    this.events.publish('officer.signedOut', { officerId: row.id, reason: 'access withdrawn' });
  }

  private async refuse(
    reason: SsoRefusal,
    ip: string | null,
    detail: Record<string, unknown>,
    row?: OfficersTable,
  ): Promise<SsoOutcome> {
    await this.audit.record({
      actor: row ? { type: 'officer', id: row.id, name: row.display_name } : { type: 'system' },
      action: 'auth.sso_refused',
      ...(row ? { subject: { type: 'officer', id: row.id } } : {}),
      detail: { reason, ...detail },
      ip,
    });
    return { ok: false, reason };
  }

  /** preferred_username, e-mail or the subject; made unique if a different account has it. */
  private async freeUsername(claims: Record<string, unknown>, who: { issuer: string; subject: string }) {
    const wanted = [claims.preferred_username, claims.email, claims.upn].find(
      (v): v is string => typeof v === 'string' && v.trim() !== '',
    );
    const base = (wanted ?? `sso-${who.subject}`).trim().slice(0, 48);
    const taken = await this.db
      .selectFrom('officers')
      .select('id')
      .where('username', '=', base)
      .executeTakeFirst();
    if (!taken) return base;
    const tag = createHash('sha256').update(`${who.issuer}\n${who.subject}`).digest('hex').slice(0, 8);
    return `${base}~${tag}`;
  }
}

function nameFrom(claims: Record<string, unknown>, subject: string): string {
  const name = [claims.name, claims.preferred_username, claims.email].find(
    (v): v is string => typeof v === 'string' && v.trim() !== '',
  );
  return (name ?? subject).trim().slice(0, 100);
}
