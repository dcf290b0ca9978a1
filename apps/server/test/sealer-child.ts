// A server's sealer in a process of its own, for a test to kill: the real Sealer on the real
// database, sealing `<dir>/<sessionId>` when told. Argument: JSON {url, dir, recordingId,
// sessionId}. Each "tick" line on stdin seals once and answers "sealed <rows in the chain>".
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { systemClock } from '../src/adapters/clock.js';
import { openDatabase } from '../src/adapters/db/database.js';
import { cryptoRandom } from '../src/adapters/random.js';
import { Sealer } from '../src/evidence/sealer.js';
import { silentLogger } from '../src/lib/logger.js';

const a = JSON.parse(process.argv[2] ?? '') as {
  url: string;
  dir: string;
  recordingId: string;
  sessionId: string;
};
const db = openDatabase(a.url);
// No timer: the test says when to seal, so it knows which seals were written before the kill.
const sealer = new Sealer(db, systemClock, cryptoRandom, 3_600_000, silentLogger);
sealer.track(a.recordingId, a.sessionId, join(a.dir, a.sessionId), `rec-${a.recordingId}`);
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'tick') continue;
  await sealer.tick();
  const rows = await db.selectFrom('seals').select('seq').where('recording_id', '=', a.recordingId).execute();
  process.stdout.write(`sealed ${rows.length}\n`);
}
