import type { Kysely } from 'kysely';

// Network location (AML, issue 12): messages the mobile networks send for an emergency caller.
// - aml_messages: one row per accepted message, parsed. The raw bytes are in the evidence store
//   (storage_key, sha256, size) from the moment they arrive; `evidence_id` is set once the
//   message attaches to a session and becomes one of its evidence items. IMEI, IMSI and the
//   MSISDN are personal data: the rows go with their session's disposal, and unmatched rows
//   with the AML retention sweep.
// - aml_quarantine: messages refused as malformed, with the raw text and what was wrong, kept
//   for inspection until the same sweep.
// Portable DDL: the same on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('aml_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('msisdn_e164', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('radius_m', 'double precision', (c) => c.notNull())
    .addColumn('positioned_at', 'bigint', (c) => c.notNull())
    .addColumn('confidence', 'integer')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('altitude_m', 'double precision')
    .addColumn('emergency_number', 'text')
    .addColumn('imei', 'text')
    .addColumn('imsi', 'text')
    .addColumn('mcc', 'text')
    .addColumn('mnc', 'text')
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('evidence_id', 'text')
    .addColumn('attached_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('aml_messages_msisdn_idx')
    .on('aml_messages')
    .columns(['msisdn_e164', 'positioned_at'])
    .execute();
  await db.schema
    .createIndex('aml_messages_session_idx')
    .on('aml_messages')
    .columns(['session_id', 'positioned_at'])
    .execute();
  await db.schema
    .createTable('aml_quarantine')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('format', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull())
    .addColumn('remote_address', 'text')
    .execute();
  await db.schema
    .createIndex('aml_quarantine_received_idx')
    .on('aml_quarantine')
    .column('received_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('aml_quarantine').execute();
  await db.schema.dropTable('aml_messages').execute();
}
