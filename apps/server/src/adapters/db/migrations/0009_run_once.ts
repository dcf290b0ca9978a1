import type { Kysely } from 'kysely';

// Several server instances share one database, so work that must happen once is decided there:
// - a running job names the instance that claimed it and when its lease lapses, so another
//   instance takes it over only after its owner has stopped renewing (crashed), never while it runs;
// - `leases` lets periodic work (disposal, expiry sweeps) run on one instance at a time;
// - sign-in failures are counted here so the guessing limits hold whichever instance is asked.
// Portable DDL: the same migration runs on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('lease_owner', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('lease_expires_at', 'bigint').execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  // One row per (account, address): failures in a row, forgotten a window after the last one.
  await db.schema
    .createTable('login_pairs')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_pairs_pk', ['account', 'address'])
    .execute();
  await db.schema.createIndex('login_pairs_last_idx').on('login_pairs').column('last_failure_at').execute();
  // One row per checked wrong password, for the per-account and per-address sliding windows.
  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_failures_account_idx')
    .on('login_failures')
    .columns(['account', 'at'])
    .execute();
  await db.schema
    .createIndex('login_failures_address_idx')
    .on('login_failures')
    .columns(['address', 'at'])
    .execute();
  await db.schema.createIndex('login_failures_at_idx').on('login_failures').column('at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
  await db.schema.dropTable('login_pairs').execute();
  await db.schema.dropTable('leases').execute();
  await db.schema.alterTable('jobs').dropColumn('lease_expires_at').execute();
  await db.schema.alterTable('jobs').dropColumn('lease_owner').execute();
}
