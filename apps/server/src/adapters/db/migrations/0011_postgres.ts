import { type Kysely, PostgresAdapter, sql } from 'kysely';

// PostgreSQL as a second database (issue 9). Nothing changes on SQLite.
// - Append-only: 0002 refuses UPDATE and DELETE on the audit trail, its checkpoints and the
//   seals with row triggers on both databases, but PostgreSQL's TRUNCATE fires no row trigger;
//   a statement trigger refuses it too (SQLite has no TRUNCATE).
// - role_grants kept millisecond times in 'integer' columns: 64-bit on SQLite, 32-bit on
//   PostgreSQL, where today's time does not fit.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const table of ['audit_events', 'audit_checkpoints', 'seals']) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION sightline_append_only()`,
      )
      .execute(db);
  }
  for (const column of ['requested_at', 'decided_at'])
    await sql.raw(`ALTER TABLE role_grants ALTER COLUMN ${column} TYPE bigint`).execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {
  throw new Error('evidence schema migrations are forward-only');
}
