import type { AmlMessagesTable, AmlQuarantineTable } from '../adapters/db/aml-schema.js';
import type { Db } from '../adapters/db/database.js';

/** The AML tables (migration 0023): accepted messages and the quarantine. */
export class AmlRepository {
  constructor(private readonly db: Db) {}

  async insert(row: AmlMessagesTable): Promise<void> {
    await this.db.insertInto('aml_messages').values(row).execute();
  }

  async quarantine(row: AmlQuarantineTable): Promise<void> {
    await this.db.insertInto('aml_quarantine').values(row).execute();
  }

  /** Quarantined messages, newest first. */
  quarantined(limit: number): Promise<AmlQuarantineTable[]> {
    return this.db
      .selectFrom('aml_quarantine')
      .selectAll()
      .orderBy('received_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** The newest undisposed session for the number created between `from` and `to`. */
  async sessionFor(msisdn: string, from: number, to: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('phone_e164', '=', msisdn)
      .where('created_at', '>=', from)
      .where('created_at', '<=', to)
      .where('disposed_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** Messages for the number positioned between `from` and `to` that no session has taken yet. */
  waiting(msisdn: string, from: number, to: number): Promise<AmlMessagesTable[]> {
    return this.db
      .selectFrom('aml_messages')
      .selectAll()
      .where('msisdn_e164', '=', msisdn)
      .where('session_id', 'is', null)
      .where('positioned_at', '>=', from)
      .where('positioned_at', '<=', to)
      .orderBy('positioned_at')
      .execute();
  }

  /** Gives the message to the session; false when another instance (or an earlier run) already did. */
  async claim(id: string, sessionId: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('aml_messages')
      .set({ session_id: sessionId, attached_at: now })
      .where('id', '=', id)
      .where('session_id', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setEvidence(id: string, evidenceId: string): Promise<void> {
    await this.db.updateTable('aml_messages').set({ evidence_id: evidenceId }).where('id', '=', id).execute();
  }

  /** The session's newest network fix by position time. */
  latest(sessionId: string): Promise<AmlMessagesTable | undefined> {
    return this.db
      .selectFrom('aml_messages')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('positioned_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Unmatched messages received before `before`: the retention sweep deletes them. */
  unmatchedBefore(before: number): Promise<Array<Pick<AmlMessagesTable, 'id' | 'storage_key' | 'sha256'>>> {
    return this.db
      .selectFrom('aml_messages')
      .select(['id', 'storage_key', 'sha256'])
      .where('session_id', 'is', null)
      .where('received_at', '<', before)
      .execute();
  }

  /** Deletes an unmatched message's row; false when a session took it meanwhile. */
  async deleteUnmatched(id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('aml_messages')
      .where('id', '=', id)
      .where('session_id', 'is', null)
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async deleteQuarantinedBefore(before: number): Promise<number> {
    const r = await this.db.deleteFrom('aml_quarantine').where('received_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
