import type { Kysely } from 'kysely';

// The machine API (/api/v1, issue 12):
// - api_clients: the systems an admin let in (a CAD), their scopes and per-minute limit. The key
//   is stored only as the SHA-256 of its 256-bit secret, found by its public key id; rotating
//   replaces both, revoking clears them, disabling refuses the client whatever it presents.
// - api_access_tokens: OAuth 2 client-credentials tokens, stored as digests like the keys (a row,
//   not a signed token, so that revoking or disabling a client ends its tokens at once).
// - api_client_sessions: which client created which session, for "a client reads what it made".
// Portable DDL: the same on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // JSON array of scope names (protocol `ApiScope`).
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('rate_per_minute', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.unique())
    .addColumn('key_hash', 'text')
    .addColumn('key_created_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema
    .createTable('api_access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('api_access_tokens_client_idx')
    .on('api_access_tokens')
    .columns(['client_id', 'expires_at'])
    .execute();
  await db.schema
    .createTable('api_client_sessions')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {
  throw new Error('evidence schema migrations are forward-only');
}
