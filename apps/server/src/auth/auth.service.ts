import type { OfficerView } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { hashSecret, type Random } from '../adapters/random.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventPublisher } from '../events/event-bus.js';
import { DomainError } from '../lib/errors.js';
import { toView } from '../officers/officer.service.js';
import { verifyAgainstDummy, verifyPassword } from '../officers/password.js';
import { LoginFailureRepository } from './login-failure.repository.js';
import { LoginThrottle } from './login-throttle.js';

export interface OfficerSession {
  officer: OfficerView;
  csrfToken: string;
  expiresAt: number;
}

/** How often an active session's last-seen time is written (not on every request). */
const TOUCH_EVERY_MS = 60_000;

/**
 * Officer sign-in. The cookie holds a random 256-bit id; the database holds only
 * its SHA-256, so a leaked database cannot be replayed as a login. Signing out
 * publishes `officer.signedOut`: every instance closes that officer's consoles.
 */
export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: AuditService,
    private readonly sessionTtlMs: number,
    private readonly events: EventPublisher,
    private readonly throttle = new LoginThrottle(new LoginFailureRepository(db, random), clock),
  ) {}

  async login(
    username: string,
    password: string,
    ip: string | null,
  ): Promise<OfficerSession & { cookie: string }> {
    // Refused before the password is checked, so a throttled guess learns nothing.
    const verdict = await this.throttle.check(username, ip);
    if (!verdict.allowed) {
      await this.audit.record({
        actor: { type: 'system' },
        action: 'auth.login_throttled',
        detail: { username: username.slice(0, 64) },
        ip,
      });
      throw new DomainError(
        'rate_limited',
        `too many failed sign-ins for this account from this address; try again in ${waitText(verdict.retryAfterMs)}`,
      );
    }
    const row = await this.db
      .selectFrom('officers')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    const ok =
      row && row.disabled_at === null
        ? await verifyPassword(row.password_hash, password)
        : await verifyAgainstDummy(password);
    if (!row || !ok) {
      await this.throttle.failed(username, ip);
      await this.audit.record({
        actor: { type: 'system' },
        action: 'auth.login_failed',
        detail: { username: username.slice(0, 64) },
        ip,
      });
      throw new DomainError('unauthenticated', 'wrong username or password');
    }
    await this.throttle.succeeded(username, ip);
    const now = this.clock.now();
    const cookie = this.random.secret(32);
    const csrfToken = this.random.secret(24);
    const expiresAt = now + this.sessionTtlMs;
    await this.db
      .insertInto('officer_sessions')
      .values({
        id_hash: hashSecret(cookie),
        officer_id: row.id,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    await this.db.updateTable('officers').set({ last_login_at: now }).where('id', '=', row.id).execute();
    const officer = toView(row);
    await this.audit.record({
      actor: { type: 'officer', id: officer.id, name: officer.displayName },
      action: 'auth.login',
      subject: { type: 'officer', id: officer.id },
      ip,
    });
    return { cookie, officer, csrfToken, expiresAt };
  }

  /** Resolves a cookie to its officer, or null if it is unknown, expired, revoked or the officer is disabled. */
  async authenticate(cookie: string | undefined): Promise<OfficerSession | null> {
    if (!cookie || cookie.length > 128) return null;
    const idHash = hashSecret(cookie);
    const row = await this.db
      .selectFrom('officer_sessions as s')
      .innerJoin('officers as o', 'o.id', 's.officer_id')
      .selectAll('o')
      .select(['s.csrf_token', 's.expires_at', 's.revoked_at', 's.last_seen_at'])
      .where('s.id_hash', '=', idHash)
      .executeTakeFirst();
    const now = this.clock.now();
    if (!row || row.revoked_at !== null || Number(row.expires_at) <= now || row.disabled_at !== null)
      return null;
    if (now - Number(row.last_seen_at) > TOUCH_EVERY_MS) {
      await this.db
        .updateTable('officer_sessions')
        .set({ last_seen_at: now })
        .where('id_hash', '=', idHash)
        .execute();
    }
    return { officer: toView(row), csrfToken: row.csrf_token, expiresAt: Number(row.expires_at) };
  }

  /**
   * Whether the officer may still have consoles open, and with which roles: for the sweep
   * that catches changes made outside this process (the CLI) and sign-ins that expired.
   */
  async standing(officerId: string): Promise<{ ended: string | null; roles: OfficerView['roles'] }> {
    const row = await this.db
      .selectFrom('officers')
      .selectAll()
      .where('id', '=', officerId)
      .executeTakeFirst();
    if (!row) return { ended: 'signed out', roles: [] };
    if (row.disabled_at !== null) return { ended: 'account disabled', roles: [] };
    const live = await this.db
      .selectFrom('officer_sessions')
      .select('id_hash')
      .where('officer_id', '=', officerId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return { ended: live ? null : 'signed out', roles: toView(row).roles };
  }

  /** Signs the officer out everywhere: every sign-in of theirs ends, not only this browser's. */
  async logout(cookie: string, officer: OfficerView, ip: string | null): Promise<void> {
    const session = await this.db
      .selectFrom('officer_sessions')
      .select('officer_id')
      .where('id_hash', '=', hashSecret(cookie))
      .executeTakeFirst();
    if (session?.officer_id !== officer.id) return;
    await this.db
      .updateTable('officer_sessions')
      .set({ revoked_at: this.clock.now() })
      .where('officer_id', '=', officer.id)
      .where('revoked_at', 'is', null)
      .execute();
    await this.audit.record({
      actor: { type: 'officer', id: officer.id, name: officer.displayName },
      action: 'auth.logout',
      subject: { type: 'officer', id: officer.id },
      ip,
    });
    this.events.publish('officer.signedOut', { officerId: officer.id, reason: 'signed out' });
  }
}

function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
