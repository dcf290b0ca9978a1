import type { Kysely } from 'kysely';

// Field officers (issue 11): a control-room officer shares a session (later an incident) with a
// named field officer for a while. A share is the only way a field officer sees anything. The
// officer's own position is kept only while their share is live, one row per share (the newest fix),
// and deleted when the share ends. Portable DDL: the same on both databases.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shares')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One of the two names what is shared; incident_id has no foreign key on purpose (the
    // incidents table arrives in another migration, and a share outlives nothing it points at).
    .addColumn('session_id', 'text')
    .addColumn('incident_id', 'text')
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('opened_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    /** revoked | expired | session-ended */
    .addColumn('end_reason', 'text')
    .addColumn('ended_by', 'text')
    .execute();
  await db.schema
    .createIndex('shares_officer_idx')
    .on('shares')
    .columns(['officer_id', 'ended_at'])
    .execute();
  await db.schema.createIndex('shares_session_idx').on('shares').column('session_id').execute();
  await db.schema.createIndex('shares_due_idx').on('shares').columns(['ended_at', 'expires_at']).execute();

  await db.schema
    .createTable('officer_positions')
    .addColumn('share_id', 'text', (c) => c.primaryKey())
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('accuracy', 'double precision', (c) => c.notNull())
    .addColumn('heading', 'double precision')
    .addColumn('speed', 'double precision')
    .addColumn('fix_time', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('officer_positions_session_idx')
    .on('officer_positions')
    .column('session_id')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('officer_positions').execute();
  await db.schema.dropTable('shares').execute();
}
