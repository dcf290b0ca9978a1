import type { Kysely } from 'kysely';

// Callers' answers could be linked back to their session (issue 13 fix round):
// - caller_feedback.text_purge_at was the answer's time plus N days to the millisecond, while the
//   session's audit entry named the same moment. Dropped: a text is erased N days after its
//   `sent_day` (day granularity), computed at the sweep.
// - the answer was inserted in the same transaction as the session's "feedback given" flag
//   (PostgreSQL xmin) and in answer order (SQLite rowid, heap order). Answers now wait in
//   caller_feedback_pending, keeping only the UTC day they were given (`held_day`), and the sweep
//   moves them into caller_feedback in batches, in the order of their random ids.
// Portable DDL: the same on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('caller_feedback_pending')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('held_day', 'bigint', (c) => c.notNull())
    .addColumn('sent_day', 'bigint', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .execute();
  // SQLite refuses to drop an indexed column.
  await db.schema.dropIndex('caller_feedback_purge_idx').execute();
  await db.schema.alterTable('caller_feedback').dropColumn('text_purge_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('caller_feedback').addColumn('text_purge_at', 'bigint').execute();
  await db.schema
    .createIndex('caller_feedback_purge_idx')
    .on('caller_feedback')
    .column('text_purge_at')
    .execute();
  await db.schema.dropTable('caller_feedback_pending').execute();
}
