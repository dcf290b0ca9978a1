import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import { isUniqueViolation } from '../adapters/db/errors.js';
import type { InterpretersTable } from '../adapters/db/interpreter-schema.js';

export type InterpreterRow = Selectable<InterpretersTable>;

/** States in which an interpreter still holds a place in the call. */
export const ACTIVE_INTERPRETER = ['invited', 'opened', 'joined'] as const;

/** The interpreters table (migrations 0027, 0031). */
export class InterpreterRepository {
  constructor(private readonly db: Db) {}

  /** Inserts an invitation; false when the session already has an active interpreter (index 0031). */
  async insert(row: Insertable<InterpretersTable>): Promise<boolean> {
    try {
      await this.db.insertInto('interpreters').values(row).execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  byId(id: string): Promise<InterpreterRow | undefined> {
    return this.db.selectFrom('interpreters').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byTokenHash(hash: string): Promise<InterpreterRow | undefined> {
    return this.db.selectFrom('interpreters').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  byDeviceSecretHash(hash: string): Promise<InterpreterRow | undefined> {
    return this.db
      .selectFrom('interpreters')
      .selectAll()
      .where('device_secret_hash', '=', hash)
      .executeTakeFirst();
  }

  /** Every invitation of a session, newest first. */
  forSession(sessionId: string): Promise<InterpreterRow[]> {
    return this.db
      .selectFrom('interpreters')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** The session's interpreters still invited, opened or joined. */
  activeOf(sessionId: string): Promise<InterpreterRow[]> {
    return this.db
      .selectFrom('interpreters')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('state', 'in', [...ACTIVE_INTERPRETER])
      .execute();
  }

  /** Compare-and-set: applies `patch` only while the row is in one of `from`; true if it did. */
  async transition(
    id: string,
    from: readonly string[],
    patch: Updateable<InterpretersTable>,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('interpreters')
      .set(patch)
      .where('id', '=', id)
      .where('state', 'in', [...from])
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
