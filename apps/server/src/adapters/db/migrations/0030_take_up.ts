import type { Kysely } from 'kysely';

// Take-up and feedback (issue 13, item 6).
// - officers.team: the team an admin puts an officer in (free text, null: none).
// - sessions.team: the sending officer's team when the link was sent, so a report stays per team
//   after an officer moves; sessions.feedback_given: 1 once the caller answered the question. Only
//   that flag: which answer, and the words, are never linked back to the session.
// - caller_feedback: the answers, anonymous. No session, phone, officer or exact time: only what
//   the report groups by (the UTC day the link was sent, team, link mode, language). The free text
//   may still name someone, so it is erased at `text_purge_at` (SIGHTLINE_FEEDBACK_TEXT_DAYS).
// Portable DDL: the same on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('officers').addColumn('team', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('team', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('feedback_given', 'integer').execute();
  await db.schema
    .createTable('caller_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sent_day', 'bigint', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('text_purge_at', 'bigint')
    .execute();
  await db.schema.createIndex('caller_feedback_day_idx').on('caller_feedback').column('sent_day').execute();
  await db.schema
    .createIndex('caller_feedback_purge_idx')
    .on('caller_feedback')
    .column('text_purge_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('caller_feedback').execute();
  await db.schema.alterTable('sessions').dropColumn('feedback_given').execute();
  await db.schema.alterTable('sessions').dropColumn('team').execute();
  await db.schema.alterTable('officers').dropColumn('team').execute();
}
