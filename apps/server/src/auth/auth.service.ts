import type { OfficerView } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { OfficersTable } from '../adapters/db/schema.js';
import { hashSecret, type Random } from '../adapters/random.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventPublisher } from '../events/event-bus.js';
import { DomainError } from '../lib/errors.js';
import { toView } from '../officers/officer.service.js';
import { verifyAgainstDummy, verifyPassword } from '../officers/password.js';
import { LoginFailureRepository } from './login-failure.repository.js';
import { LoginThrottle } from './login-throttle.js';
import type { MfaService } from './mfa/mfa.service.js';
import { SignInChallenges } from './sign-in-challenges.js';

export interface OfficerSession {
  officer: OfficerView;
  csrfToken: string;
  expiresAt: number;
}

export type SignedIn = OfficerSession & { cookie: string };
/** The password was right; a code (or setting up TOTP) comes next, under `challenge`'s cookie. */
export interface SecondStep {
  step: 'code' | 'enrol';
  challenge: string;
}

/** How long the code step waits after the password, and the forced enrolment step. */
export const MFA_STEP_MS = 5 * 60_000;
export const ENROL_STEP_MS = 15 * 60_000;

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
    private readonly mfa: MfaService | null = null,
    private readonly throttle = new LoginThrottle(new LoginFailureRepository(db, random), clock),
  ) {
    this.challenges = new SignInChallenges(db, clock, random);
  }

  /** Pending second steps (and OIDC redirects): see SignInChallenges. */
  readonly challenges: SignInChallenges;

  /** A password sign-in that needs no second step (tests and tools); refuses an account with MFA. */
  async login(username: string, password: string, ip: string | null): Promise<SignedIn> {
    const r = await this.passwordSignIn(username, password, ip);
    if ('step' in r) throw new DomainError('unauthenticated', 'this account needs a second step to sign in');
    return r;
  }

  /**
   * The password step. Signed in at once, or (MFA) a second step with its own short-lived cookie.
   * With MFA the (account, address) failures are cleared only when the code is right, so
   * re-entering the password does not buy more guesses at the code.
   */
  async passwordSignIn(
    username: string,
    password: string,
    ip: string | null,
  ): Promise<SignedIn | SecondStep> {
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
    // SSO accounts have no password (a '!' marker that is no hash): they take as long to refuse as any other.
    const ok =
      row && row.disabled_at === null && !row.password_hash.startsWith('!')
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
    if (this.mfa) {
      const step = (await this.mfa.enabled(row.id))
        ? ('code' as const)
        : (await this.mfa.policy()).requireForLocal
          ? ('enrol' as const)
          : null;
      if (step) {
        // A right password is a security event even when no code follows: it may be the only
        // sign that the password is known to someone else.
        await this.audit.record({
          actor: { type: 'officer', id: row.id, name: row.display_name },
          action: 'auth.password_accepted',
          subject: { type: 'officer', id: row.id },
          detail: { next: step },
          ip,
        });
        const challenge = await this.challenges.create(
          step === 'code' ? 'mfa' : 'enrol',
          row.id,
          null,
          step === 'code' ? MFA_STEP_MS : ENROL_STEP_MS,
        );
        return { step, challenge };
      }
    }
    await this.throttle.succeeded(username, ip);
    return this.startSession(row, ip, { method: 'password' });
  }

  /**
   * The code step after a password: a TOTP code or a recovery code. Wrong codes count as failed
   * sign-ins for the account and address (the same throttle as passwords), and every account
   * has a few code checks per window from all addresses together.
   */
  async codeSignIn(challenge: string | undefined, code: string, ip: string | null): Promise<SignedIn> {
    const { step, row } = await this.pendingStep(challenge, 'mfa');
    await this.assertNotThrottled(row.username, ip);
    // Counted per account before the code is checked: see LoginThrottle.reserveCodeCheck.
    const check = await this.throttle.reserveCodeCheck(row.id);
    if (!check.allowed) {
      await this.audit.record({
        actor: { type: 'system' },
        action: 'auth.login_throttled',
        subject: { type: 'officer', id: row.id },
        detail: { username: row.username.slice(0, 64), step: 'code', scope: 'account' },
        ip,
      });
      throw new DomainError(
        'rate_limited',
        `too many codes tried for this account; try again in ${waitText(check.retryAfterMs)}`,
      );
    }
    const used = await this.mfa!.verify(row.id, code);
    if (!used) return this.codeFailed(row, ip);
    await check.release();
    if (!(await this.challenges.consume(step.id_hash))) throw stepExpired();
    await this.throttle.succeeded(row.username, ip);
    return this.startSession(row, ip, { method: 'password', factor: used });
  }

  /** The enrolment step forced by the MFA policy: a new secret for the account's app. */
  async enrolmentForStep(challenge: string | undefined) {
    const { row } = await this.pendingStep(challenge, 'enrol');
    return this.mfa!.begin({ id: row.id, username: row.username });
  }

  /** Confirms the forced enrolment with a code; signs in and returns the recovery codes once. */
  async confirmEnrolmentStep(
    challenge: string | undefined,
    code: string,
    ip: string | null,
  ): Promise<SignedIn & { recoveryCodes: string[] }> {
    const { step, row } = await this.pendingStep(challenge, 'enrol');
    await this.assertNotThrottled(row.username, ip);
    const codes = await this.mfa!.confirm({ id: row.id, displayName: row.display_name }, code, ip);
    if (!codes) return this.codeFailed(row, ip);
    if (!(await this.challenges.consume(step.id_hash))) throw stepExpired();
    await this.throttle.succeeded(row.username, ip);
    return {
      ...(await this.startSession(row, ip, { method: 'password', factor: 'totp' })),
      recoveryCodes: codes,
    };
  }

  private async pendingStep(challenge: string | undefined, kind: 'mfa' | 'enrol') {
    const step = await this.challenges.find(challenge, kind);
    const row = step?.officer_id
      ? await this.db.selectFrom('officers').selectAll().where('id', '=', step.officer_id).executeTakeFirst()
      : undefined;
    if (!step || !row || row.disabled_at !== null || !this.mfa) throw stepExpired();
    return { step, row };
  }

  private async assertNotThrottled(username: string, ip: string | null): Promise<void> {
    const verdict = await this.throttle.check(username, ip);
    if (verdict.allowed) return;
    await this.audit.record({
      actor: { type: 'system' },
      action: 'auth.login_throttled',
      detail: { username: username.slice(0, 64), step: 'code' },
      ip,
    });
    throw new DomainError(
      'rate_limited',
      `too many failed sign-ins for this account from this address; try again in ${waitText(verdict.retryAfterMs)}`,
    );
  }

  private async codeFailed(row: OfficersTable, ip: string | null): Promise<never> {
    await this.throttle.failed(row.username, ip);
    await this.audit.record({
      actor: { type: 'officer', id: row.id, name: row.display_name },
      action: 'auth.mfa_failed',
      subject: { type: 'officer', id: row.id },
      ip,
    });
    throw new DomainError('unauthenticated', 'wrong or already used code');
  }

  /**
   * Starts a signed-in session for an officer whose every step is done (password, code, or the
   * identity provider). `ssoIdToken` is kept sealed for the provider's sign-out.
   */
  async startSession(
    row: OfficersTable,
    ip: string | null,
    how: Record<string, unknown>,
    sealIdToken?: (sessionKey: string) => string,
  ): Promise<SignedIn> {
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
        sso_id_token: sealIdToken ? sealIdToken(hashSecret(cookie)) : null,
      })
      .execute();
    await this.db.updateTable('officers').set({ last_login_at: now }).where('id', '=', row.id).execute();
    const officer = toView(row);
    await this.audit.record({
      actor: { type: 'officer', id: officer.id, name: officer.displayName },
      action: 'auth.login',
      subject: { type: 'officer', id: officer.id },
      detail: how,
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
  async logout(
    cookie: string,
    officer: OfficerView,
    ip: string | null,
  ): Promise<{ ssoIdToken: string | null; sessionKey: string } | null> {
    const sessionKey = hashSecret(cookie);
    const session = await this.db
      .selectFrom('officer_sessions')
      .select(['officer_id', 'sso_id_token'])
      .where('id_hash', '=', sessionKey)
      .executeTakeFirst();
    if (session?.officer_id !== officer.id) return null;
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
    return { ssoIdToken: session.sso_id_token ?? null, sessionKey };
  }
}

const stepExpired = () =>
  new DomainError('unauthenticated', 'this sign-in step has expired or was already used; start again');

function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
