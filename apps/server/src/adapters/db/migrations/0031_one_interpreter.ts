import { type Kysely, sql } from 'kysely';

// One interpreter at a time per session, decided by the database: two officers inviting at the
// same moment both passed the service's read-then-insert check, and the call got two
// interpreters. A partial unique index over the states that hold a place in the call (the
// interpreter service's ACTIVE_INTERPRETER, written out here: a migration never imports live code).
// The same DDL on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE UNIQUE INDEX interpreters_one_active_idx ON interpreters (session_id)
       WHERE state IN ('invited', 'opened', 'joined')`,
    )
    .execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('interpreters_one_active_idx').execute();
}
