import type { Kysely } from 'kysely';

// Texts went to one gateway with no record of what became of them. Each attempt is kept here
// with its provider's reference and status (issue 10). Portable DDL: the same on both databases.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sms_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('try_no', 'integer', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('provider_ref', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('failure_kind', 'text')
    .addColumn('link_sealed', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  // One text per press of Send and gateway, whichever instance the press reached.
  await db.schema
    .createIndex('sms_deliveries_key_idx')
    .on('sms_deliveries')
    .columns(['idempotency_key', 'try_no'])
    .unique()
    .execute();
  await db.schema
    .createIndex('sms_deliveries_ref_idx')
    .on('sms_deliveries')
    .columns(['gateway', 'provider_ref'])
    .execute();
  await db.schema
    .createIndex('sms_deliveries_session_idx')
    .on('sms_deliveries')
    .columns(['session_id', 'attempt'])
    .execute();
  await db.schema
    .createIndex('sms_deliveries_created_idx')
    .on('sms_deliveries')
    .column('created_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sms_deliveries').execute();
}
