import type { Kysely } from 'kysely';

// Two tus PATCHes at the same offset must not both append to one upload. A PATCH first
// claims the upload with a conditional update (state, offset and no live writer), so
// the claim holds across server instances that share the database; the lease lets a
// crashed writer's claim lapse.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('uploads').addColumn('writer', 'text').execute();
  await db.schema.alterTable('uploads').addColumn('writer_until', 'bigint').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('writer_until').execute();
  await db.schema.alterTable('uploads').dropColumn('writer').execute();
}
