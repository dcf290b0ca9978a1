import type { Kysely } from 'kysely';

// Scheduled bail and court-order checks (issue 13 part 4):
// - `not_before`: the link works only from this moment (its end is the session's `expires_at`);
//   null for an ordinary link, usable at once.
// - `text_due_at`: the link's text waits until then; cleared (compare-and-set) by the instance
//   that sends it, so it goes once whichever instance finds it due. Null once sent, or never due.
// - `series_id`: the checks scheduled together; cancelling a series ends its checks still to come.
// - `cancelled_at`: a check cancelled before its subject joined (the session is ended with it).
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('not_before', 'bigint').execute();
  await db.schema.alterTable('sessions').addColumn('text_due_at', 'bigint').execute();
  await db.schema.alterTable('sessions').addColumn('series_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('cancelled_at', 'bigint').execute();
  await db.schema.createIndex('sessions_text_due_idx').on('sessions').column('text_due_at').execute();
  await db.schema.createIndex('sessions_series_idx').on('sessions').column('series_id').execute();
  await db.schema.createIndex('sessions_not_before_idx').on('sessions').column('not_before').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {
  throw new Error('evidence schema migrations are forward-only');
}
