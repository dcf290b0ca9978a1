import type { Kysely } from 'kysely';

// Incidents (issue 11): several callers' sessions seen together on one page, one map and one
// timeline. A session belongs to at most one incident (sessions.incident_id, nullable), so
// moving it is one update. No foreign key on incident_id: SQLite cannot add one to an existing
// table, and the service checks the incident exists. Portable DDL: the same on both databases.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('cad_reference', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema.createIndex('incidents_created_idx').on('incidents').column('created_at').execute();
  await db.schema.alterTable('sessions').addColumn('incident_id', 'text').execute();
  await db.schema.createIndex('sessions_incident_idx').on('sessions').column('incident_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_incident_idx').execute();
  await db.schema.alterTable('sessions').dropColumn('incident_id').execute();
  await db.schema.dropTable('incidents').execute();
}
