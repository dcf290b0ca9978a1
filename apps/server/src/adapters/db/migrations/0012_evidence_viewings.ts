import type { Kysely } from 'kysely';

// Playback grants were held in one process's memory, so with several instances behind a load
// balancer the player's range requests that reached another instance were refused. They live
// here now, where every instance sees them. Portable DDL: the same migration runs on both.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evidence_viewings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('evidence_viewings_reuse_idx')
    .on('evidence_viewings')
    .columns(['item_id', 'officer_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('evidence_viewings_expiry_idx')
    .on('evidence_viewings')
    .column('expires_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('evidence_viewings').execute();
}
