import type { Kysely } from 'kysely';

// Issue 5: link modes and languages, verification codes, chat, caller uploads, device copies,
// and which side of a two-way call a recording is.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('video'))
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('verification_code', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('sessions').addColumn('location_minutes', 'integer').execute();
  await db.schema.alterTable('sessions').addColumn('location_until', 'bigint').execute();
  await db.schema
    .alterTable('recordings')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('caller'))
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('officer_id', 'text')
    .addColumn('officer_name', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('read_at', 'bigint')
    .addUniqueConstraint('messages_session_seq', ['session_id', 'seq'])
    .addUniqueConstraint('messages_session_client', ['session_id', 'sender', 'client_id'])
    .execute();

  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('declared_type', 'text')
    .addColumn('length', 'bigint', (c) => c.notNull())
    .addColumn('offset', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addColumn('evidence_id', 'text')
    .addColumn('error', 'text')
    .execute();

  await db.schema
    .createTable('device_copy_chunks')
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('part', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_copy_chunks_pk', ['session_id', 'part', 'seq'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {
  throw new Error('evidence schema migrations are forward-only');
}
