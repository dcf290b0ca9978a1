import type { MfaEnrolment, MyMfaStatus } from '@sightline/protocol';
import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import type { SecretBox } from '../../adapters/keys/secret-box.js';
import type { AuditService } from '../../audit/audit.service.js';
import { DomainError, forbidden, notFound } from '../../lib/errors.js';
import type { AccountActor } from '../../officers/officer.service.js';
import { MfaRepository } from './mfa.repository.js';
import { newRecoveryCodes, newTotpSecret, otpauthUrl, qrSvg, recoveryCodeHash, totpStep } from './totp.js';

/** How a second factor was given, for the audit trail. */
export type FactorUsed = 'totp' | 'recovery_code';

/**
 * TOTP for local accounts. The secret is sealed with a key outside the database (bound to the
 * officer's id, so a sealed secret cannot be moved to another account); a code is accepted at
 * most once (the last accepted time step is kept); recovery codes are kept hashed (scrypt) and used once.
 */
export class MfaService {
  readonly #repo: MfaRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
  ) {
    this.#repo = new MfaRepository(db);
  }

  /** Whether the account has confirmed TOTP. */
  async enabled(officerId: string): Promise<boolean> {
    return (await this.#repo.get(officerId))?.confirmed_at != null;
  }

  async status(officerId: string, kind: 'local' | 'sso'): Promise<MyMfaStatus> {
    const row = await this.#repo.get(officerId);
    const confirmed = row?.confirmed_at != null;
    return {
      kind,
      enabled: confirmed,
      confirmedAt: confirmed ? Number(row.confirmed_at) : null,
      recoveryCodesLeft: confirmed ? ((await this.#repo.codesLeft(officerId)).get(officerId) ?? 0) : 0,
      required: kind === 'local' && (await this.#repo.policy()).requireForLocal,
    };
  }

  /** Every officer with TOTP, and their unused recovery codes (the admin page). */
  async overview(): Promise<{ enabled: Set<string>; codesLeft: Map<string, number> }> {
    return { enabled: await this.#repo.enabledOfficers(), codesLeft: await this.#repo.codesLeft() };
  }

  policy() {
    return this.#repo.policy();
  }

  /** "Require MFA for local accounts": applies at each account's next sign-in. */
  async setPolicy(requireForLocal: boolean, reason: string, by: Extract<AccountActor, { type: 'officer' }>) {
    const before = await this.#repo.policy();
    await this.#repo.setPolicy(requireForLocal, this.clock.now(), by.name);
    await this.audit.record({
      actor: by,
      action: 'mfa.policy_set',
      detail: { requireForLocal, was: before.requireForLocal, reason },
    });
    return this.#repo.policy();
  }

  /** Starts (or restarts) setting up TOTP: a new secret, not active until a code confirms it. */
  async begin(officer: { id: string; username: string }): Promise<MfaEnrolment> {
    const secret = newTotpSecret();
    const ok = await this.#repo.putPending(officer.id, this.box.seal(secret, officer.id), this.clock.now());
    if (!ok)
      throw new DomainError(
        'conflict',
        'two-step sign-in is already set up; ask an administrator to reset it if you lost your phone',
      );
    const url = otpauthUrl(secret, officer.username);
    return { secret, otpauthUrl: url, qrSvg: await qrSvg(url) };
  }

  /**
   * Confirms the secret being set up with a code from the app; returns the recovery codes,
   * which exist only in this answer (the database keeps their hashes).
   */
  async confirm(
    officer: { id: string; displayName: string },
    code: string,
    ip: string | null,
  ): Promise<string[] | null> {
    const row = await this.#repo.get(officer.id);
    if (!row || row.confirmed_at != null) throw notFound('two-step set-up in progress');
    const secret = this.box.open(row.secret_sealed, officer.id);
    const step = secret ? totpStep(secret, code, this.clock.now()) : null;
    if (step === null) return null;
    const codes = newRecoveryCodes();
    const ok = await this.#repo.confirm(
      officer.id,
      step,
      await Promise.all(codes.map((c) => recoveryCodeHash(officer.id, c))),
      this.clock.now(),
    );
    if (!ok) throw new DomainError('conflict', 'two-step sign-in was set up meanwhile');
    await this.audit.record({
      actor: { type: 'officer', id: officer.id, name: officer.displayName },
      action: 'mfa.enrolled',
      subject: { type: 'officer', id: officer.id },
      ip,
    });
    return codes;
  }

  /** Checks a TOTP code or a recovery code; null if wrong, already used, or the secret cannot be opened. */
  async verify(officerId: string, code: string): Promise<FactorUsed | null> {
    const row = await this.#repo.get(officerId);
    if (!row || row.confirmed_at == null) return null;
    const digits = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(digits)) {
      const secret = this.box.open(row.secret_sealed, officerId);
      const step = secret ? totpStep(secret, digits, this.clock.now()) : null;
      return step !== null && (await this.#repo.acceptStep(officerId, step)) ? 'totp' : null;
    }
    const hash = await recoveryCodeHash(officerId, code);
    return (await this.#repo.useRecoveryCode(officerId, hash, this.clock.now())) ? 'recovery_code' : null;
  }

  /** Removes the account's TOTP (lost phone): the next sign-in asks it to set up again if the policy says so. */
  async reset(officerId: string, reason: string, by: AccountActor): Promise<boolean> {
    // As with passwords: a console left signed in must not be enough to drop its own second factor.
    if (by.type === 'officer' && by.id === officerId)
      throw forbidden('you cannot reset your own two-step sign-in here; ask another admin');
    const removed = await this.#repo.remove(officerId);
    await this.audit.record({
      actor: by,
      action: 'mfa.reset',
      subject: { type: 'officer', id: officerId },
      detail: { reason, hadMfa: removed, ...(by.type === 'system' ? { breakGlass: true } : {}) },
    });
    return removed;
  }
}
