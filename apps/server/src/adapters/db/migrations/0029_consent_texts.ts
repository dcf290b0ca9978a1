import type { Kysely } from 'kysely';

// What the caller saw before deciding (issue 13, privacy): the consent screen's words and the
// privacy notice, rendered in one language with the force's values, stored once per distinct
// text under its SHA-256, so an export can print the exact words a consent refers to.
// - consent_texts: `body` is the text as JSON; rows are never changed (a new wording is a new hash)
//   and hold no personal data, so disposal leaves them.
// - sessions.consent_language / consent_text_version: the latest decision's language and text.
// Portable DDL: the same on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consent_texts')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('first_served_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('sessions').addColumn('consent_language', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('consent_text_version', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {
  throw new Error('evidence schema migrations are forward-only');
}
