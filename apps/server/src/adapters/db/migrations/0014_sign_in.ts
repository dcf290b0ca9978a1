import type { Kysely } from 'kysely';

// Officer sign-in with an identity provider (OpenID Connect) and TOTP for local accounts.
// - officer_identities: an SSO officer is found by (issuer, subject), never by name or e-mail,
//   which the provider lets users change.
// - officer_mfa / mfa_recovery_codes: the TOTP secret is sealed with a key outside the database;
//   recovery codes are kept only as hashes (scrypt, salted per officer) and used at most once (used_at).
// - sign_in_challenges: short-lived steps between requests (password done, code wanted; an OIDC
//   redirect's state, nonce and PKCE verifier), in the database so any instance can finish them.
// - sign_in_settings: the admin policy ("require MFA for local accounts").
// - officer_sessions.sso_id_token: the sealed ID token, sent back as id_token_hint at sign-out.
// Portable DDL: the same migration runs on SQLite and PostgreSQL.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('officer_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('officer_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_login_at', 'bigint')
    .addPrimaryKeyConstraint('officer_identities_pk', ['issuer', 'subject'])
    .execute();
  await db.schema
    .createTable('officer_mfa')
    .addColumn('officer_id', 'text', (c) => c.primaryKey())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    // The last 30-second step a code was accepted for: a code is never accepted twice.
    .addColumn('last_step', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addPrimaryKeyConstraint('mfa_recovery_codes_pk', ['officer_id', 'code_hash'])
    .execute();
  await db.schema
    .createTable('sign_in_challenges')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('officer_id', 'text')
    .addColumn('payload', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('sign_in_challenges_expiry_idx')
    .on('sign_in_challenges')
    .column('expires_at')
    .execute();
  await db.schema
    .createTable('sign_in_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema.alterTable('officer_sessions').addColumn('sso_id_token', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('officer_sessions').dropColumn('sso_id_token').execute();
  for (const t of [
    'sign_in_settings',
    'sign_in_challenges',
    'mfa_recovery_codes',
    'officer_mfa',
    'officer_identities',
  ])
    await db.schema.dropTable(t).execute();
}
