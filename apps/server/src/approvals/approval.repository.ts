import type { IntegrationApprovalsTable } from '../adapters/db/approval-schema.js';
import type { Db } from '../adapters/db/database.js';

export type ApprovalRow = IntegrationApprovalsTable;
export type Decision = 'approved' | 'refused' | 'superseded';

/** The integration_approvals table: API client and webhook changes waiting for a second admin. */
export class ApprovalRepository {
  constructor(private readonly db: Db) {}

  async insert(row: ApprovalRow): Promise<void> {
    await this.db.insertInto('integration_approvals').values(row).execute();
  }

  get(id: string): Promise<ApprovalRow | undefined> {
    return this.db.selectFrom('integration_approvals').selectAll().where('id', '=', id).executeTakeFirst();
  }

  pendingFor(kind: string, subjectId: string): Promise<ApprovalRow | undefined> {
    return this.db
      .selectFrom('integration_approvals')
      .selectAll()
      .where('kind', '=', kind)
      .where('subject_id', '=', subjectId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
  }

  /** Pending requests first, then the most recent decisions. */
  list(limit = 100): Promise<ApprovalRow[]> {
    return this.db
      .selectFrom('integration_approvals')
      .selectAll()
      .orderBy((eb) => eb.case().when('state', '=', 'pending').then(0).else(1).end())
      .orderBy('requested_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Decides a pending request; false if it was no longer pending (decided by someone else meanwhile). */
  async decide(
    id: string,
    state: Decision,
    at: number,
    by: { id: string; name: string },
    reason: string,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('integration_approvals')
      .set({ state, decided_at: at, decided_by: by.id, decided_by_name: by.name, decision_reason: reason })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
