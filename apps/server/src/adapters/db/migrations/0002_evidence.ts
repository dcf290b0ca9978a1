import { createHash } from 'node:crypto';
import { type Kysely, SqliteAdapter, sql } from 'kysely';
import { auditHash, type ChainedFields } from '../../../audit/audit-chain.js';

// Issue 4: seals, a hash-chained audit trail, retention, notes, export and redaction jobs.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;

  await db.schema.alterTable('evidence_items').addColumn('disposed_at', 'bigint').execute();
  await db.schema.alterTable('evidence_items').addColumn('metadata', 'text').execute();

  // Wall-clock time of the first media packet (from the .mjr header): media time 0 of the working copy.
  await db.schema.alterTable('recordings').addColumn('media_started_at', 'bigint').execute();

  await db.schema
    .createTable('seals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('offset', 'bigint', (c) => c.notNull())
    .addColumn('prefix_sha256', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('recovered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('seals_recording_seq', ['recording_id', 'seq'])
    .execute();

  for (const [name, type] of [
    ['policy_id', 'text'],
    ['classified_at', 'bigint'],
    ['classified_by', 'text'],
    ['subject_dob', 'text'],
    ['clear_period_start', 'bigint'],
    ['retain_until', 'bigint'],
    ['review_due_at', 'bigint'],
    ['legal_hold', 'integer'],
    ['hold_reason', 'text'],
    ['disposed_at', 'bigint'],
  ] as const) {
    await db.schema.alterTable('sessions').addColumn(name, type).execute();
  }
  await db.schema
    .createIndex('sessions_retention_idx')
    .on('sessions')
    .columns(['retain_until', 'legal_hold'])
    .execute();

  await db.schema
    .createTable('notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('media_time', 'double precision')
    .addColumn('recording_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull().references('officers.id'))
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull().references('officers.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('jobs_state_idx').on('jobs').columns(['state', 'created_at']).execute();

  // Hash-chain the audit trail, including entries written before this migration.
  await db.schema.alterTable('audit_events').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('hash', 'text').execute();
  const rows = await db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
  let prev = GENESIS;
  for (const r of rows) {
    const hash = auditHash({ ...(r as ChainedFields), prev_hash: prev });
    await db.updateTable('audit_events').set({ prev_hash: prev, hash }).where('seq', '=', r.seq).execute();
    prev = hash;
  }
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('key_fingerprint', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();

  // Append-only, enforced by the database itself for anything that is not a migration.
  if (sqlite) {
    for (const table of ['audit_events', 'audit_checkpoints', 'seals']) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
        )
        .execute(db);
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
        )
        .execute(db);
    }
  } else {
    await sql
      .raw(
        `CREATE FUNCTION sightline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
      )
      .execute(db);
    for (const table of ['audit_events', 'audit_checkpoints', 'seals']) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION sightline_append_only()`,
        )
        .execute(db);
    }
  }
}

/** The `prev_hash` of the first audit entry. */
export const GENESIS = createHash('sha256').update('sightline-audit-genesis').digest('hex');

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {
  throw new Error('evidence schema migrations are forward-only');
}
