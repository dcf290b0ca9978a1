import type { Kysely } from 'kysely';

// Issue 9: several Janus media nodes. Each node registers itself with a heartbeat and its
// load; each session's room and each recording name the node that holds them, so a node
// recovers only its own recordings and a lost node's open recordings are found and audited.
// Portable DDL: runs on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('media_nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('janus_url', 'text', (c) => c.notNull())
    .addColumn('spool_dir', 'text', (c) => c.notNull())
    .addColumn('health_url', 'text')
    // A fresh value per start: a second process started with the same id takes the row over,
    // and the first one notices at its next heartbeat and stops.
    .addColumn('incarnation', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .addColumn('stopped_at', 'bigint')
    .addColumn('janus_up', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rooms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('publishers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cpu', 'double precision', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('sessions').addColumn('media_node', 'text').execute();
  await db.schema.alterTable('recordings').addColumn('media_node', 'text').execute();
  await db.schema.alterTable('recordings').addColumn('node_lost_at', 'bigint').execute();
  await db.schema
    .createIndex('recordings_node_idx')
    .on('recordings')
    .columns(['media_node', 'state'])
    .execute();
  await db.schema.createIndex('sessions_node_idx').on('sessions').columns(['media_node', 'state']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_node_idx').execute();
  await db.schema.dropIndex('recordings_node_idx').execute();
  await db.schema.alterTable('recordings').dropColumn('node_lost_at').execute();
  await db.schema.alterTable('recordings').dropColumn('media_node').execute();
  await db.schema.alterTable('sessions').dropColumn('media_node').execute();
  await db.schema.dropTable('media_nodes').execute();
}
