import type { Kysely } from 'kysely';

// Issue 8: a live session whose caller's media stopped arriving (phone died, tunnel) says
// so, with when and why, until the video resumes; the console shows it instead of LIVE.
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('video_stopped_at', 'bigint').execute();
  await db.schema.alterTable('sessions').addColumn('video_stop_reason', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('video_stop_reason').execute();
  await db.schema.alterTable('sessions').dropColumn('video_stopped_at').execute();
}
