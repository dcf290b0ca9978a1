import type { InviteWorkflow, Outcome, OutcomeRecord, SessionWorkflow } from '@sightline/protocol';
import type { Selectable } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { OutcomesTable, SessionWorkflowsTable } from '../adapters/db/outcome-schema.js';

export type NewOutcome = Omit<Selectable<OutcomesTable>, 'data' | 'idempotency_key'> & {
  data: OutcomeRecord;
  idempotency_key?: string | null;
};

/** The outcomes and session_workflows tables. Outcomes are only ever inserted. */
export class OutcomeRepository {
  constructor(private readonly db: Db) {}

  async list(sessionId: string): Promise<Outcome[]> {
    const rows = await this.db
      .selectFrom('outcomes')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute();
    return toOutcomes(rows);
  }

  async byId(id: string): Promise<Selectable<OutcomesTable> | undefined> {
    return this.db.selectFrom('outcomes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The record an earlier press with this idempotency key made in this session, if any. */
  async byKey(sessionId: string, key: string): Promise<Selectable<OutcomesTable> | undefined> {
    return this.db
      .selectFrom('outcomes')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  }

  /**
   * Inserts a record. Throws the database's unique violation when `supersedes` was already
   * superseded, or when another request with the same idempotency key won the race.
   */
  async insert(o: NewOutcome): Promise<void> {
    await this.db
      .insertInto('outcomes')
      .values({ ...o, data: JSON.stringify(o.data) })
      .execute();
  }

  async saveWorkflow(sessionId: string, w: InviteWorkflow, now: number): Promise<void> {
    await this.db
      .insertInto('session_workflows')
      .values({
        session_id: sessionId,
        kind: w.kind,
        check_subject: w.kind === 'bail-check' ? w.check.subject : null,
        check_condition: w.kind === 'bail-check' ? w.check.condition : null,
        check_detail: w.kind === 'bail-check' ? w.check.conditionDetail : null,
        fix_alert_ms: w.kind === 'missing-person' ? w.fixAlertMinutes * 60_000 : null,
        alert_since: null,
        created_at: now,
      })
      .execute();
  }

  /** Whether retention has disposed of the session (its personal data is gone for good). */
  async disposed(sessionId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('sessions')
      .select('disposed_at')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    return r?.disposed_at != null;
  }

  async workflow(sessionId: string): Promise<SessionWorkflow | null> {
    const r = await this.db
      .selectFrom('session_workflows')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return r ? toWorkflow(r) : null;
  }

  /** The latest fix the server received for a session, if any. */
  async latestFix(sessionId: string) {
    return this.db
      .selectFrom('location_fixes')
      .select(['lat', 'lon', 'accuracy', 'fix_time', 'received_at'])
      .where('session_id', '=', sessionId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}

/** Rows to records, each marked with the record that superseded it (if any). */
export function toOutcomes(rows: Selectable<OutcomesTable>[]): Outcome[] {
  const by = new Map(rows.filter((r) => r.supersedes).map((r) => [r.supersedes!, r.id]));
  return rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    record: JSON.parse(r.data) as OutcomeRecord,
    supersedes: r.supersedes,
    correctionReason: r.correction_reason,
    supersededBy: by.get(r.id) ?? null,
    recordedBy: { id: r.recorded_by, name: r.recorded_by_name },
    recordedAt: Number(r.recorded_at),
  }));
}

function toWorkflow(r: Selectable<SessionWorkflowsTable>): SessionWorkflow {
  return {
    kind: r.kind as SessionWorkflow['kind'],
    check:
      r.check_subject && r.check_condition && r.check_detail
        ? {
            subject: r.check_subject,
            condition: r.check_condition as NonNullable<SessionWorkflow['check']>['condition'],
            conditionDetail: r.check_detail,
          }
        : null,
    fixAlertMinutes: r.fix_alert_ms === null ? null : Math.round(Number(r.fix_alert_ms) / 60_000),
    alertSince: r.alert_since === null ? null : Number(r.alert_since),
  };
}
