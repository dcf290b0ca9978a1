import type { Kysely } from 'kysely';

// A phone that loses its connection re-sends the fixes it is unsure arrived; each fix
// (one GPS reading, identified by its time) is stored once however often it comes.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('location_fixes_once_idx')
    .on('location_fixes')
    .columns(['session_id', 'fix_time'])
    .unique()
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('location_fixes_once_idx').execute();
}
