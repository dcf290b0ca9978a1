// The media the ingest benchmark feeds the real pipeline: a short recording made through the
// real server and Janus, then lengthened to 1, 10 or 60 minutes (lib/mjr.ts) and checked with
// janus-pp-rec and ffprobe before anything is timed.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { audioLoop, readMjr, videoLoop, writeLooped } from './mjr.js';
import { endSession, officerApi, startSightline } from './sightline.js';

const run = promisify(execFile);
const SEED_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../.cache/ingest-seed');
/** Long enough for several key frames (the clip has one every 2 s). */
const SEED_SECONDS = 9;

export interface Seed {
  video: string;
  audio: string;
}

/** A real VP8 + Opus recording from Janus (cached): the looped clip, published by a synthetic caller. */
export async function realSeed(): Promise<Seed> {
  const seed = { video: join(SEED_DIR, 'video.mjr'), audio: join(SEED_DIR, 'audio.mjr') };
  if (await exists(seed.video)) return seed;
  await mkdir(SEED_DIR, { recursive: true });
  const source = new RtpSource();
  await source.start(ensureClip());
  const server = await startSightline({ SIGHTLINE_TRUST_PROXY: 'loopback', SIGHTLINE_LOG_LEVEL: 'warn' });
  try {
    const api = await officerApi(server.url);
    const call = await syntheticCall(server.url, api, source);
    const spool = join(server.dataDir, 'recordings', call.sessionId);
    await until(async () => (await sizes(spool, /-video-/)) > 100_000, 'Janus to record video');
    await sleep(SEED_SECONDS * 1000);
    await endSession(api, call.sessionId);
    call.hangUp();
    const evidence = join(server.dataDir, 'evidence/sessions', call.sessionId);
    const files = await until(async () => {
      const all = await walk(evidence);
      return all.some((f) => f.includes('working-copy-')) ? all : null;
    }, 'the seed recording to be ingested');
    for (const kind of ['video', 'audio'] as const) {
      const master = files.find((f) => f.includes(`-${kind}-`) && f.endsWith('.mjr'));
      if (!master) throw new Error(`the seed recording has no ${kind} master`);
      await copyFile(master, `${seed[kind]}.partial`);
    }
    // Named last (video, the one checked for, after audio), so an interrupted run never
    // leaves half a seed that looks whole.
    await rename(`${seed.audio}.partial`, seed.audio);
    await rename(`${seed.video}.partial`, seed.video);
    return seed;
  } finally {
    await server.stop();
    await source.stop();
  }
}

export interface Synthesised {
  video: string;
  audio: string;
  bytes: number;
  /** Duration of the working copy janus-pp-rec and ffmpeg make from it, ms. */
  probedMs: number;
}

/** Lengthens the seed to `minutes` in `dir` and checks the result converts to that long a file. */
export async function synthesise(seed: Seed, minutes: number, dir: string): Promise<Synthesised> {
  const [v, a] = [await readMjr(seed.video), await readMjr(seed.audio)];
  if (v.info.c !== 'vp8' || a.info.c !== 'opus')
    throw new Error(`the seed is ${v.info.c}/${a.info.c}, expected vp8/opus`);
  const vl = videoLoop(v);
  const al = audioLoop(a, vl.frames[0]!.time, vl.msPeriod);
  const ms = minutes * 60_000;
  const out = { video: join(dir, `${minutes}m-video.mjr`), audio: join(dir, `${minutes}m-audio.mjr`) };
  const bytes =
    (await writeLooped(out.video, v.head, vl, ms)) + (await writeLooped(out.audio, a.head, al, ms));
  const probedMs = await check(out, dir, ms);
  return { ...out, bytes, probedMs };
}

/** Converts as ingest does (janus-pp-rec, then ffmpeg -c copy) and compares ffprobe's duration. */
async function check(files: Seed, dir: string, ms: number): Promise<number> {
  const work = await mkdtemp(join(dir, 'check-'));
  try {
    const [video, audio, both] = ['v.webm', 'a.opus', 'av.webm'].map((n) => join(work, n)) as [
      string,
      string,
      string,
    ];
    await Promise.all([run('janus-pp-rec', [files.video, video]), run('janus-pp-rec', [files.audio, audio])]);
    await run('ffmpeg', [
      '-v',
      'error',
      '-i',
      video,
      '-i',
      audio,
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-c',
      'copy',
      both,
    ]);
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      both,
    ]);
    const probe = JSON.parse(stdout) as {
      format: { duration: string };
      streams: Array<{ codec_name: string; width?: number; height?: number }>;
    };
    const got = Number(probe.format.duration) * 1000;
    const codecs = probe.streams
      .map((s) => s.codec_name)
      .sort()
      .join('+');
    const vs = probe.streams.find((s) => s.codec_name === 'vp8');
    // The loop is whole key-frame groups, so the file runs up to one group past the target.
    if (codecs !== 'opus+vp8' || vs?.width !== 1280 || !(got >= ms * 0.99 && got <= ms * 1.01 + 10_000))
      throw new Error(`the synthesised ${ms / 60_000}-minute recording converts to ${codecs}, ${got} ms`);
    return Math.round(got);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sizes(dir: string, match: RegExp): Promise<number> {
  let total = 0;
  for (const n of await readdir(dir).catch(() => [] as string[]))
    if (match.test(n)) total += (await stat(join(dir, n))).size;
  return total;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** Polls until `check` gives a truthy value; a bench waiting on real processes, so it gives up after 90 s. */
async function until<T>(check: () => Promise<T | null | false>, what: string): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(250);
  }
}
