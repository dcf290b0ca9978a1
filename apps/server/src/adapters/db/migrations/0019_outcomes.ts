import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Pilot workflows (issue 11): structured outcomes and per-session workflow settings.
// - outcomes: append-only, enforced by the database as for the audit trail (0002, 0011): UPDATE
//   and DELETE (and TRUNCATE on PostgreSQL) are refused. A correction is a new row naming the row it supersedes; the unique
//   index on `supersedes` lets only one correction replace a record, on every instance, so the
//   chain of corrections is a line and no original is ever lost to an UPDATE.
// - session_workflows: what the link was sent for (a bail check's subject and condition, a
//   missing-person search's no-fix alert threshold) and the alert's state, which the server's
//   sweep changes by compare-and-set (`alert_since`).
// Portable DDL: the same on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outcomes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // The record as validated (JSON): outcome, reason, follow-up; or subject, condition, result…
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('supersedes', 'text')
    .addColumn('correction_reason', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_by_name', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outcomes_session_idx')
    .on('outcomes')
    .columns(['session_id', 'recorded_at'])
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // sightline_append_only() is 0002's: it raises '<table> is append-only'.
    await sql
      .raw(
        'CREATE TRIGGER outcomes_append_only BEFORE UPDATE OR DELETE ON outcomes FOR EACH ROW EXECUTE FUNCTION sightline_append_only()',
      )
      .execute(db);
    await sql
      .raw(
        'CREATE TRIGGER outcomes_no_truncate BEFORE TRUNCATE ON outcomes FOR EACH STATEMENT EXECUTE FUNCTION sightline_append_only()',
      )
      .execute(db);
  } else {
    for (const op of ['UPDATE', 'DELETE'])
      await sql
        .raw(
          `CREATE TRIGGER outcomes_no_${op.toLowerCase()} BEFORE ${op} ON outcomes BEGIN SELECT RAISE(ABORT, 'outcomes is append-only'); END`,
        )
        .execute(db);
  }
  await db.schema
    .createIndex('outcomes_supersedes_idx')
    .on('outcomes')
    .column('supersedes')
    .unique()
    .execute();
  await db.schema
    .createTable('session_workflows')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('check_subject', 'text')
    .addColumn('check_condition', 'text')
    .addColumn('check_detail', 'text')
    .addColumn('fix_alert_ms', 'bigint')
    .addColumn('alert_since', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('session_workflows_alert_idx')
    .on('session_workflows')
    .column('fix_alert_ms')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('session_workflows').execute();
  await db.schema.dropTable('outcomes').execute();
}
