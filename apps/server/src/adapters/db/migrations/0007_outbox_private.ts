import type { Kysely } from 'kysely';

// Issue 8: a caller's link belongs to the caller. The outbox keeps each text with its link
// masked, plus the link sealed (encrypted) for its sender until it is opened; texts already
// stored are masked here, so no link stays readable in the database. Invite limits count
// recent invites per number and per officer, so those lookups get indexes.

/** Inlined (migrations never import live code): a link token in a stored text, and its mask. */
const TOKEN_IN_LINK = /(\/j\/)[A-Za-z0-9_-]{16,}/g;
const MASK = '$1••••••••';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sms_outbox').addColumn('link_sealed', 'text').execute();
  const rows = (await db.selectFrom('sms_outbox').select(['id', 'body']).execute()) as Array<{
    id: string;
    body: string;
  }>;
  for (const row of rows) {
    const masked = row.body.replace(TOKEN_IN_LINK, MASK);
    if (masked !== row.body)
      await db.updateTable('sms_outbox').set({ body: masked }).where('id', '=', row.id).execute();
  }
  await db.schema.createIndex('sms_outbox_session_idx').on('sms_outbox').column('session_id').execute();
  await db.schema
    .createIndex('sessions_phone_created_idx')
    .on('sessions')
    .columns(['phone_e164', 'created_at'])
    .execute();
  await db.schema
    .createIndex('sessions_created_by_idx')
    .on('sessions')
    .columns(['created_by', 'created_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_created_by_idx').execute();
  await db.schema.dropIndex('sms_outbox_session_idx').execute();
  await db.schema.dropIndex('sessions_phone_created_idx').execute();
  await db.schema.alterTable('sms_outbox').dropColumn('link_sealed').execute();
}
