import type { Db } from '../src/adapters/db/database.js';
import { hashSecret } from '../src/adapters/random.js';

/**
 * Session and recording rows for a recording whose files Janus would write into `<dir>/<sessionId>`.
 * A session already seeded is kept (several recordings may share it). The seal benchmark uses it too.
 */
export async function seedRecording(
  db: Db,
  recordingId: string,
  sessionId: string,
  fileBase = `rec-${recordingId}`,
): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('sessions')
    .values({
      id: sessionId,
      phone_e164: '+447700900001',
      phone_masked: '07700 9•••01',
      state: 'live',
      created_by: 'o1',
      created_at: now,
      expires_at: now + 3_600_000,
      token_hash: hashSecret(sessionId),
      publishing: 1,
    })
    .onConflict((c) => c.doNothing())
    .execute();
  await db
    .insertInto('recordings')
    .values({
      id: recordingId,
      session_id: sessionId,
      file_base: fileBase,
      started_at: now,
      ended_at: null,
      state: 'recording',
      video_codec: null,
      error: null,
      source: 'caller',
      interpreter_id: null,
      media_node: null,
    })
    .execute();
}
