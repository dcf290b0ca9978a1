// The `seal` benchmark's measured process: the server's real Sealer on the server's real SQLite
// database (its adapter, migrations and pragmas), sealing files another process grows. Nothing
// else runs here, so this process's CPU is the sealer's, and since a tick does one thing at a time,
// CPU taken between the start and the end of a step belongs to that step.
// Argument: one JSON object (see HostArgs). Prints "ready" once set up, then waits for "go" on
// stdin, measures for `seconds`, prints one JSON line (HostReport) and exits.
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { KyselyPlugin } from 'kysely';

export interface HostArgs {
  dir: string;
  dbFile: string;
  /** One entry per recording: its session folder (under dir) and file base. */
  recordings: Array<{ recordingId: string; sessionId: string; fileBase: string }>;
  seconds: number;
  intervalMs: number;
  /** false: the same process, database and files, with no sealer (the baseline). */
  sealing: boolean;
}

export interface HostReport {
  cpuSeconds: number;
  wallSeconds: number;
  ticks: number;
  /** CPU seconds spent in each step of the ticks (all zero without sealing). */
  tickCpu: number;
  dbCpu: number;
  fsMetaCpu: number;
  statements: number;
  fsMetaCalls: number;
  seals: number;
  /** Bytes covered by the last seal of each file, summed: what the ticks hashed. */
  sealedBytes: number;
  /** CPU seconds SHA-256 alone takes per byte here (hashing 64 MB from memory): the floor. */
  sha256CpuPerByte: number;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const args = JSON.parse(process.argv[2] ?? '') as HostArgs;
const acc = { db: 0, fsMeta: 0, statements: 0, fsMetaCalls: 0 };

// readdir, stat and open, counted before the sealer module binds them (ESM named exports of a
// built-in follow the CommonJS object after syncBuiltinESMExports).
for (const name of ['readdir', 'stat', 'lstat', 'open'] as const) {
  const orig = fsp[name] as (...a: unknown[]) => Promise<unknown>;
  (fsp as unknown as Record<string, unknown>)[name] = async (...a: unknown[]) => {
    const c0 = cpuNow();
    try {
      return await orig(...a);
    } finally {
      acc.fsMeta += cpuNow() - c0;
      acc.fsMetaCalls++;
    }
  };
}
syncBuiltinESMExports();
// An open file's stat (fstat) too: a sealer that keeps files open asks their size that way.
const probeHandle = await fsp.open(process.execPath, 'r');
const handleProto = Object.getPrototypeOf(probeHandle) as { stat: (...a: unknown[]) => Promise<unknown> };
await probeHandle.close();
const fstat = handleProto.stat;
handleProto.stat = async function (this: unknown, ...a: unknown[]) {
  const c0 = cpuNow();
  try {
    return await fstat.apply(this, a);
  } finally {
    acc.fsMeta += cpuNow() - c0;
    acc.fsMetaCalls++;
  }
};

// Every statement, from compiling it to its result: better-sqlite3 runs it synchronously in
// between (and with synchronous=FULL, a commit's fsync too).
const started = new Map<unknown, number>();
const probe: KyselyPlugin = {
  transformQuery(a) {
    started.set(a.queryId, cpuNow());
    return a.node;
  },
  async transformResult(a) {
    const c0 = started.get(a.queryId);
    if (c0 !== undefined) {
      acc.db += cpuNow() - c0;
      acc.statements++;
      started.delete(a.queryId);
    }
    return a.result;
  },
};

const { migrateToLatest, openDatabase } = await import('../../../apps/server/src/adapters/db/database.js');
const { systemClock } = await import('../../../apps/server/src/adapters/clock.js');
const { cryptoRandom } = await import('../../../apps/server/src/adapters/random.js');
const { silentLogger } = await import('../../../apps/server/src/lib/logger.js');
const { seedRecording } = await import('../../../apps/server/test/seed-recording.js');
// Another build of the sealer can be measured the same way (an A/B against an older commit).
const sealerModule =
  process.env.SIGHTLINE_BENCH_SEALER_MODULE ?? '../../../apps/server/src/evidence/sealer.js';
const { Sealer } = (await import(
  sealerModule
)) as typeof import('../../../apps/server/src/evidence/sealer.js');

const db = openDatabase(`sqlite:${args.dbFile}`);
await migrateToLatest(db);
const now = Date.now();
await db
  .insertInto('officers')
  .values({ id: 'o1', username: 'o1', display_name: 'O', password_hash: 'x', roles: '[]', created_at: now })
  .execute();
for (const r of args.recordings) await seedRecording(db, r.recordingId, r.sessionId, r.fileBase);

const sealer = new Sealer(db.withPlugin(probe), systemClock, cryptoRandom, args.intervalMs, silentLogger);
let ticks = 0;
let tickCpu = 0;
const tick = sealer.tick.bind(sealer);
sealer.tick = async () => {
  const c0 = cpuNow();
  await tick();
  tickCpu += cpuNow() - c0;
  ticks++;
};

// The floor: no sealer can hash the appended bytes for less than this.
const sample = Buffer.alloc(512 * 1024, 7);
const h0 = cpuNow();
const hash = createHash('sha256');
for (let i = 0; i < 128; i++) hash.update(sample);
hash.digest();
const sha256CpuPerByte = (cpuNow() - h0) / (128 * sample.length);

process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

Object.assign(acc, { db: 0, fsMeta: 0, statements: 0, fsMetaCalls: 0 });
const c0 = cpuNow();
const t0 = performance.now();
if (args.sealing) {
  for (const r of args.recordings)
    sealer.track(r.recordingId, r.sessionId, join(args.dir, r.sessionId), r.fileBase);
  sealer.start();
}
await new Promise((r) => setTimeout(r, args.seconds * 1000));
await sealer.stop();
const report: HostReport = {
  cpuSeconds: cpuNow() - c0,
  wallSeconds: (performance.now() - t0) / 1000,
  ticks,
  tickCpu,
  dbCpu: acc.db,
  fsMetaCpu: acc.fsMeta,
  statements: acc.statements,
  fsMetaCalls: acc.fsMetaCalls,
  seals: Number((await db.selectFrom('seals').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  sealedBytes: (
    await db
      .selectFrom('seals')
      .select(['recording_id', 'file_name', db.fn.max('offset').as('bytes')])
      .groupBy(['recording_id', 'file_name'])
      .execute()
  ).reduce((a, r) => a + Number(r.bytes), 0),
  sha256CpuPerByte,
};
await db.destroy();
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
