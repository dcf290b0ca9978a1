import type { Kysely } from 'kysely';

// Second-admin approval of integrations (issue 12 review): a change that widens what leaves the
// system (a new API client, wider scopes, re-enabling; a new webhook endpoint, a new URL, more
// events, re-enabling) waits here until an admin other than the requester approves it.
// - integration_approvals: `change` is the JSON of what applies on approval (scopes, or the
//   endpoint's url/events/description/enabled); `state` pending | approved | refused | superseded.
// - api_clients.pending_approval: 1 while a new client waits; its key is refused until approved.
//   Existing clients (0) keep working: they were created before this rule.
// Portable DDL: the same on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integration_approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('change_kind', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema
    .createIndex('integration_approvals_subject_idx')
    .on('integration_approvals')
    .columns(['kind', 'subject_id', 'state'])
    .execute();
  await db.schema
    .alterTable('api_clients')
    .addColumn('pending_approval', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_clients').dropColumn('pending_approval').execute();
  await db.schema.dropTable('integration_approvals').execute();
}
