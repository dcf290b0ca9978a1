import type { Kysely } from 'kysely';

// Protecting the people who watch (issue 11):
// - exposure_intervals: footage an officer saw clearly (playing, page visible, not blurred), one row
//   per interval the console reports. (officer_id, id) is the key: the console picks the id once per
//   interval and sends it again on a retry, so a retry inserts nothing and is counted once.
// - distress_marks: "Mark as distressing", with the officer's optional private note.
// No foreign keys to sessions: the log is about the officer, and outlives disposal of the evidence.
// Portable DDL: the same migration runs on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exposure_intervals')
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint', (c) => c.notNull())
    .addColumn('seen_ms', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('exposure_intervals_pk', ['officer_id', 'id'])
    .execute();
  await db.schema
    .createIndex('exposure_intervals_time_idx')
    .on('exposure_intervals')
    .columns(['ended_at', 'officer_id'])
    .execute();
  await db.schema
    .createTable('distress_marks')
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text')
    .addColumn('media_time', 'double precision')
    .addColumn('note', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('distress_marks_pk', ['officer_id', 'id'])
    .execute();
  await db.schema
    .createIndex('distress_marks_time_idx')
    .on('distress_marks')
    .columns(['at', 'officer_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('distress_marks').execute();
  await db.schema.dropTable('exposure_intervals').execute();
}
