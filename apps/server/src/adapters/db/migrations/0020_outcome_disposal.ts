import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Outcomes are personal data (what the caller said, the check's subject), so MoPI disposal must
// delete them with the rest of a session's personal data; 0019 refused every DELETE. Now:
// - UPDATE (and TRUNCATE on PostgreSQL) stays refused on every row: a correction is a new row.
// - DELETE is let through only for a session that disposal has finished with: the row's session
//   is ended or expired, under no legal hold, and has `disposed_at` set. Disposal sets that in the
//   same transaction as it deletes, so a DELETE on a live (or held) session's outcome still fails.
// The condition is the same on both databases, written once here.
// Also `outcomes.idempotency_key`: one outcome per press of Record, so a retry (or a double tap)
// returns the first record instead of adding a second. Unique per session; NULL for older rows.
const DISPOSED = `EXISTS (SELECT 1 FROM sessions s WHERE s.id = OLD.session_id AND s.disposed_at IS NOT NULL
  AND s.state IN ('ended', 'expired') AND (s.legal_hold IS NULL OR s.legal_hold = 0))`;

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outcomes').addColumn('idempotency_key', 'text').execute();
  await db.schema
    .createIndex('outcomes_idempotency_idx')
    .on('outcomes')
    .columns(['session_id', 'idempotency_key'])
    .unique()
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql.raw('DROP TRIGGER outcomes_append_only ON outcomes').execute(db);
    await sql
      .raw(
        'CREATE TRIGGER outcomes_no_update BEFORE UPDATE ON outcomes FOR EACH ROW EXECUTE FUNCTION sightline_append_only()',
      )
      .execute(db);
    await sql
      .raw(
        `CREATE FUNCTION sightline_outcome_disposal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
           IF ${DISPOSED} THEN RETURN OLD; END IF;
           RAISE EXCEPTION 'outcomes is append-only (a row goes only with its disposed session)';
         END $$`,
      )
      .execute(db);
    await sql
      .raw(
        'CREATE TRIGGER outcomes_no_delete BEFORE DELETE ON outcomes FOR EACH ROW EXECUTE FUNCTION sightline_outcome_disposal()',
      )
      .execute(db);
  } else {
    await sql.raw('DROP TRIGGER outcomes_no_delete').execute(db);
    await sql
      .raw(
        `CREATE TRIGGER outcomes_no_delete BEFORE DELETE ON outcomes WHEN NOT ${DISPOSED}
         BEGIN SELECT RAISE(ABORT, 'outcomes is append-only (a row goes only with its disposed session)'); END`,
      )
      .execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {
  throw new Error('evidence schema migrations are forward-only');
}
