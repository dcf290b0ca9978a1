import type { Db } from '../../adapters/db/database.js';
import type { OfficerMfaTable } from '../../adapters/db/sign-in-schema.js';

const REQUIRE_MFA = 'require_mfa_local';

/** The officer_mfa, mfa_recovery_codes and sign_in_settings tables. */
export class MfaRepository {
  constructor(private readonly db: Db) {}

  get(officerId: string): Promise<OfficerMfaTable | undefined> {
    return this.db
      .selectFrom('officer_mfa')
      .selectAll()
      .where('officer_id', '=', officerId)
      .executeTakeFirst();
  }

  /**
   * Replaces an unconfirmed secret (a set-up abandoned half way); never a confirmed one. One
   * statement, so two presses of "Set up" at once both succeed (the later secret wins) instead of
   * the second failing on the key, and a secret confirmed meanwhile is never replaced.
   */
  async putPending(officerId: string, sealed: string, now: number): Promise<boolean> {
    const r = await this.db
      .insertInto('officer_mfa')
      .values({
        officer_id: officerId,
        secret_sealed: sealed,
        created_at: now,
        confirmed_at: null,
        last_step: 0,
      })
      .onConflict((oc) =>
        oc
          .column('officer_id')
          .doUpdateSet({ secret_sealed: sealed, created_at: now })
          .where('officer_mfa.confirmed_at', 'is', null),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Activates the secret and stores the recovery codes' hashes (replacing any old ones). */
  async confirm(officerId: string, step: number, codeHashes: string[], now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('officer_mfa')
      .set({ confirmed_at: now, last_step: step })
      .where('officer_id', '=', officerId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await this.db.deleteFrom('mfa_recovery_codes').where('officer_id', '=', officerId).execute();
    await this.db
      .insertInto('mfa_recovery_codes')
      .values(
        codeHashes.map((code_hash) => ({ officer_id: officerId, code_hash, created_at: now, used_at: null })),
      )
      .execute();
    return true;
  }

  /** Compare-and-set on the last accepted step: true only for a step newer than any accepted. */
  async acceptStep(officerId: string, step: number): Promise<boolean> {
    const r = await this.db
      .updateTable('officer_mfa')
      .set({ last_step: step })
      .where('officer_id', '=', officerId)
      .where('last_step', '<', step)
      .where('confirmed_at', 'is not', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Uses a recovery code; true the first time only. */
  async useRecoveryCode(officerId: string, codeHash: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_recovery_codes')
      .set({ used_at: now })
      .where('officer_id', '=', officerId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Unused recovery codes per officer. */
  async codesLeft(officerId?: string): Promise<Map<string, number>> {
    let q = this.db
      .selectFrom('mfa_recovery_codes')
      .select(['officer_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('used_at', 'is', null)
      .groupBy('officer_id');
    if (officerId) q = q.where('officer_id', '=', officerId);
    const rows = await q.execute();
    return new Map(rows.map((r) => [r.officer_id, Number(r.n)]));
  }

  /** Officers with confirmed TOTP. */
  async enabledOfficers(): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('officer_mfa')
      .select('officer_id')
      .where('confirmed_at', 'is not', null)
      .execute();
    return new Set(rows.map((r) => r.officer_id));
  }

  async remove(officerId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('officer_mfa').where('officer_id', '=', officerId).executeTakeFirst();
    await this.db.deleteFrom('mfa_recovery_codes').where('officer_id', '=', officerId).execute();
    return Number(r.numDeletedRows) > 0;
  }

  async policy(): Promise<{ requireForLocal: boolean; updatedAt: number | null; updatedBy: string | null }> {
    const row = await this.db
      .selectFrom('sign_in_settings')
      .selectAll()
      .where('key', '=', REQUIRE_MFA)
      .executeTakeFirst();
    return {
      requireForLocal: row?.value === 'true',
      updatedAt: row ? Number(row.updated_at) : null,
      updatedBy: row?.updated_by ?? null,
    };
  }

  async setPolicy(requireForLocal: boolean, now: number, by: string): Promise<void> {
    const value = String(requireForLocal);
    await this.db
      .insertInto('sign_in_settings')
      .values({ key: REQUIRE_MFA, value, updated_at: now, updated_by: by })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now, updated_by: by }))
      .execute();
  }
}
