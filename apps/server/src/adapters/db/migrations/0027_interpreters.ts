import type { Kysely } from 'kysely';

// Interpreters in a live call (issue 13 part 3). One row per invitation: the link's token is kept
// only as its SHA-256 (token_hash), it must be opened before open_by, and opening it binds it to one
// browser (device_secret_hash, like a caller's). state: invited → joined → left, or revoked/expired.
// recordings.interpreter_id attributes an interpreter's recording (source 'interpreter') to its row.
// Portable DDL: the same on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('interpreters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('organisation', 'text', (c) => c.notNull())
    .addColumn('booking_ref', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text', (c) => c.notNull())
    .addColumn('invited_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('open_by', 'bigint', (c) => c.notNull())
    .addColumn('opened_at', 'bigint')
    .addColumn('device_secret_hash', 'text')
    .addColumn('consented_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('interpreters_session_idx').on('interpreters').column('session_id').execute();
  await db.schema.alterTable('recordings').addColumn('interpreter_id', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('recordings').dropColumn('interpreter_id').execute();
  await db.schema.dropTable('interpreters').execute();
}
