// ingest: from the end of a call to every evidence item stored, for 1, 10 and 60 minutes of
// media, through the real pipeline (RecordingIngest, Sealer, EvidenceLedger, the local store,
// SQLite, janus-pp-rec and ffmpeg) as a media node wires it, and the throughput of each step.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { systemClock } from '../../apps/server/src/adapters/clock.js';
import { migrateToLatest, openDatabase } from '../../apps/server/src/adapters/db/database.js';
import { MediaTools } from '../../apps/server/src/adapters/media-tools/media-tools.js';
import { cryptoRandom, hashSecret } from '../../apps/server/src/adapters/random.js';
import { LocalEvidenceStore } from '../../apps/server/src/adapters/storage/local-evidence-store.js';
import { loadConfig } from '../../apps/server/src/config/config.js';
import { connectCluster } from '../../apps/server/src/events/cluster.js';
import { Sealer } from '../../apps/server/src/evidence/sealer.js';
import { silentLogger } from '../../apps/server/src/lib/logger.js';
import { evidencePipeline } from '../../apps/server/src/media-node/media-node.js';
import { realSeed, type Synthesised, synthesise } from './lib/ingest-media.js';
import type { BenchResult, SummaryRow } from './lib/results.js';
import { median, round } from './lib/stats.js';

const MINUTES = (process.env.BENCH_INGEST_MINUTES ?? '1,10,60').split(',').map(Number);
const RUNS = Number(process.env.BENCH_INGEST_RUNS ?? 3);
const TARGET_MS = 10_000;
/** The server's default seal interval: at the end of a call, at most this much is not yet sealed. */
const UNSEALED_TAIL_S = 10;

interface Step {
  step: string;
  file: string;
  ms: number;
  bytes: number;
  /** The step this one ran inside (the store's read-back hash is part of the store). */
  within?: string;
}

let steps: Step[] | null = null;
/** The local store's root, to size the objects it hashes. */
let storeRoot: string | null = null;
/** Files being stored now (base names), to tell a hash inside a store from the ledger's own. */
const storing = new Set<string>();
const MB = 1_000_000;
const base = (p: unknown) => String(p).split('/').pop() ?? '';

/**
 * Times each call of a real method while a measured ingest runs. The pipeline itself is
 * untouched: the same objects, only observed.
 */
function observe(
  proto: object,
  method: string,
  step: string,
  bytes: (args: unknown[], result: unknown) => Promise<number>,
  file: (args: unknown[]) => string = (a) => base(a[0]),
): void {
  const target = proto as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const original = target[method]!;
  target[method] = async function (this: unknown, ...args: unknown[]) {
    const name = file(args);
    const within = step === 'hash check' && storing.has(name) ? 'store' : undefined;
    if (step === 'store') storing.add(name);
    const started = performance.now();
    try {
      const result = await original.apply(this, args);
      const ms = performance.now() - started;
      steps?.push({ step, file: name, ms, bytes: await bytes(args, result), ...(within ? { within } : {}) });
      return result;
    } finally {
      if (step === 'store') storing.delete(name);
    }
  };
}

const sizeOf = async (p: unknown) => (await stat(String(p))).size;
const sizeResult = async (_a: unknown[], r: unknown) => (r as { size: number }).size;
observe(LocalEvidenceStore.prototype, 'putFile', 'store', sizeResult);
// An adopted file's read-back (private, observed by name) and the ledger's re-read of a copied one.
observe(LocalEvidenceStore.prototype, 'readBack', 'hash check', sizeResult);
observe(LocalEvidenceStore.prototype, 'hash', 'hash check', async (a) =>
  steps && storeRoot ? sizeOf(join(storeRoot, String(a[0]))) : 0,
);
observe(MediaTools.prototype, 'readMjrHeader', 'read header', async (a) => sizeOf(a[0]));
observe(MediaTools.prototype, 'depacketise', 'depacketise', async (a) => sizeOf(a[0]));
observe(
  MediaTools.prototype,
  'mux',
  'mux',
  async (a) => sizeOf(a[1]),
  (a) => base(a[1]),
);
observe(MediaTools.prototype, 'probe', 'probe', async (a) => sizeOf(a[0]));
observe(Sealer.prototype, 'finish', 'final seal', async () => 0);

interface RunResult {
  totalMs: number;
  steps: Array<Step & { mbPerS: number | null }>;
}

/** One measured ingest: a recording sealed as if during the call, then finished as the server does at its end. */
async function oneIngest(
  p: Awaited<ReturnType<typeof setUp>>,
  media: Synthesised & { sha256: Record<'video' | 'audio', string> },
  minutes: number,
): Promise<RunResult> {
  const sessionId = await p.newSession();
  const { recordingId, fileBase, saved } = p.ingest.begin(sessionId);
  await saved;
  const spool = p.ingest.spoolFor(sessionId);
  await mkdir(spool, { recursive: true });
  // The call: Janus wrote the files and the sealer kept up, all but the last interval's bytes.
  const files = {
    video: join(spool, `${fileBase}-video-0.mjr`),
    audio: join(spool, `${fileBase}-audio-0.mjr`),
  };
  const tails: Array<[string, string, number]> = [];
  for (const kind of ['video', 'audio'] as const) {
    const size = await sizeOf(media[kind]);
    const sealedUpTo = Math.floor(size * (1 - UNSEALED_TAIL_S / (minutes * 60)));
    await copyFile(media[kind], files[kind]);
    await truncate(files[kind], sealedUpTo);
    // Written over the whole call, all but the last seconds are long on disk (kernel writeback).
    const fh = await open(files[kind], 'r');
    await fh.sync();
    await fh.close();
    tails.push([media[kind], files[kind], sealedUpTo]);
  }
  await p.sealer.tick();
  for (const [from, to, start] of tails)
    await pipeline(createReadStream(from, { start }), createWriteStream(to, { flags: 'a' }));

  steps = [];
  const started = performance.now();
  await p.ingest.finish(recordingId, false);
  const totalMs = performance.now() - started;
  const measured = steps;
  steps = null;

  // Everything stored, nothing altered: each master is the synthesised file byte for byte.
  const rec = await p.db
    .selectFrom('recordings')
    .selectAll()
    .where('id', '=', recordingId)
    .executeTakeFirstOrThrow();
  if (rec.state !== 'stored') throw new Error(`the recording ended ${rec.state}: ${rec.error}`);
  const items = await p.db
    .selectFrom('evidence_items')
    .selectAll()
    .where('recording_id', '=', recordingId)
    .execute();
  for (const kind of ['video', 'audio'] as const) {
    const m = items.find((i) => i.kind === 'master' && i.file_name.includes(`-${kind}-`));
    if (m?.sha256 !== media.sha256[kind]) throw new Error(`the stored ${kind} master is not the recording`);
  }
  const wc = items.find((i) => i.kind === 'working-copy');
  if (!wc || Math.abs(Number(wc.duration_ms) - media.probedMs) > 1_000)
    throw new Error(`the working copy is missing or ${wc?.duration_ms} ms long, not ${media.probedMs}`);
  for (const i of items)
    if ((await sha256(join(p.evidenceDir, i.storage_key))) !== i.sha256)
      throw new Error(`${i.file_name} in the store does not match its recorded SHA-256`);
  await rm(join(p.evidenceDir, 'sessions'), { recursive: true, force: true });
  return {
    totalMs,
    steps: measured.map((s) => ({
      ...s,
      mbPerS: s.bytes && s.ms ? round(s.bytes / MB / (s.ms / 1000)) : null,
    })),
  };
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/** A media node's evidence pipeline on its own SQLite database and local store. */
async function setUp(dir: string) {
  const config = loadConfig({ SIGHTLINE_DATA_DIR: dir });
  storeRoot = config.evidenceDir;
  const db = openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const now = Date.now();
  await db
    .insertInto('officers')
    .values({
      id: 'o1',
      username: 'bench',
      display_name: 'Bench',
      password_hash: 'x',
      roles: '[]',
      created_at: now,
    })
    .execute();
  const cluster = await connectCluster(config, systemClock, cryptoRandom, silentLogger);
  const { pipeline: p } = await evidencePipeline(
    config,
    db,
    cluster,
    systemClock,
    cryptoRandom,
    'bench-node',
    silentLogger,
  );
  let n = 0;
  return {
    db,
    cluster,
    evidenceDir: config.evidenceDir,
    ingest: p.ingest,
    sealer: p.sealer,
    async newSession(): Promise<string> {
      const id = `bench-${++n}`;
      await db
        .insertInto('sessions')
        .values({
          id,
          phone_e164: '+447700900001',
          phone_masked: '07700 9•••01',
          state: 'ended',
          created_by: 'o1',
          created_at: now,
          expires_at: now + 60_000,
          token_hash: hashSecret(id),
          publishing: 0,
        })
        .execute();
      return id;
    },
  };
}

/** Time per step, summed over the run's calls of it (video and audio, masters and working copy). */
function byStep(r: RunResult): Record<string, { ms: number; bytes: number; mbPerS: number | null }> {
  const out: Record<string, { ms: number; bytes: number; mbPerS: number | null }> = {};
  const nested = new Set<string>();
  for (const s of r.steps) {
    out[s.step] ??= { ms: 0, bytes: 0, mbPerS: null };
    const o = out[s.step]!;
    o.ms += s.ms;
    o.bytes += s.bytes;
    // Shown on its own: the store's time is what is left of it (link or copy, sync).
    if (s.within) {
      out[s.within] ??= { ms: 0, bytes: 0, mbPerS: null };
      out[s.within]!.ms -= s.ms;
      nested.add(s.within);
    }
  }
  for (const [name, o] of Object.entries(out)) {
    // What is left of a store around its read-back (link, sync) moves no bytes worth a rate.
    o.mbPerS = o.bytes && o.ms && !nested.has(name) ? round(o.bytes / MB / (o.ms / 1000)) : null;
    o.ms = round(o.ms, 0) ?? 0;
  }
  return out;
}

export async function ingest(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-ingest-bench-'));
  try {
    const seed = await realSeed();
    const p = await setUp(join(dir, 'data'));
    const sizes: Array<Record<string, unknown>> = [];
    const rows: SummaryRow[] = [];
    try {
      for (const minutes of MINUTES) {
        const synth = await synthesise(seed, minutes, dir);
        const media = {
          ...synth,
          sha256: { video: await sha256(synth.video), audio: await sha256(synth.audio) },
        };
        const runs: RunResult[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await oneIngest(p, media, minutes));
        await rm(synth.video);
        await rm(synth.audio);
        const ordered = [...runs].sort((a, b) => a.totalMs - b.totalMs);
        const mid = ordered[Math.floor((ordered.length - 1) / 2)]!;
        const totalS = median(runs.map((r) => r.totalMs)) / 1000;
        const steps = byStep(mid);
        sizes.push({
          minutes,
          masters_mb: round(synth.bytes / MB),
          duration_ms: synth.probedMs,
          total_ms: runs.map((r) => round(r.totalMs, 0)),
          median_total_ms: round(totalS * 1000, 0),
          median_run_steps: steps,
          runs,
        });
        const stepText = Object.entries(steps)
          .filter(([, s]) => s.ms >= 1)
          .map(([k, s]) => `${k} ${(s.ms / 1000).toFixed(2)} s${s.mbPerS ? ` (${s.mbPerS} MB/s)` : ''}`)
          .join(', ');
        process.stdout.write(
          `  ${minutes} min (${round(synth.bytes / MB)} MB): ${totalS.toFixed(2)} s; ${stepText}\n`,
        );
        rows.push({
          metric: `ingest, ${minutes}-minute call (${round(synth.bytes / MB, 0)} MB of masters): end of call → all evidence stored`,
          value: `${totalS.toFixed(2)} s (median of ${RUNS})`,
          ...(minutes === 60 ? { target: '< 10 s', pass: totalS * 1000 < TARGET_MS } : {}),
        });
        if (minutes === Math.max(...MINUTES))
          rows.push({
            metric: `ingest, ${minutes}-minute call: time and throughput per step`,
            value: stepText,
          });
      }
    } finally {
      await p.db.destroy();
      await p.cluster.stop();
    }
    return {
      name: 'ingest',
      json: {
        sizes,
        runs_per_size: RUNS,
        unsealed_tail_s: UNSEALED_TAIL_S,
        store: 'local directory (same file system as the spool), SQLite',
        media:
          'a real Janus recording of the synthetic caller (1280x720 VP8 at about 1.5 Mbit/s, Opus 32 kbit/s), lengthened by repeating whole key-frame groups with RTP sequence numbers, timestamps and .mjr times carried on; checked with janus-pp-rec and ffprobe before timing',
        method:
          'RecordingIngest.finish() as the server calls it when the publisher leaves, timed to its end (recording stored), on the pipeline a media node builds (evidencePipeline). Steps are timed by observing the real methods; steps that run side by side overlap, so their times can add up to more than the total. MB/s is the bytes each step reads (store and hash: the object; depacketise: the .mjr; mux: the output). See docs/performance.md',
      },
      rows,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
