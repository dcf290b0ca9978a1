import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { kneeOf, levelOf, type PairedLevel, rowsOf, type SoloLevel } from './lib/capacity-report.js';
import { BareJanusStack, type PeerKind, SightlineStack, VIEWERS } from './lib/capacity-stacks.js';
import { type Half, measureHalf, printHalf } from './lib/capacity-window.js';
import type { BenchResult } from './lib/results.js';

const list = (v: string | undefined, d: string) =>
  (v ?? d)
    .split(',')
    .filter(Boolean)
    .map((x) => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`capacity: bad session count "${x}" in a level list`);
      return n;
    });

/** Loads at which bare Janus and Sightline are compared, pair by pair. */
const LEVELS = list(process.env.BENCH_CAPACITY_LEVELS, '1,4,8,16');
/** Loads past those, Sightline alone, until viewers notice (the knee). */
const KNEE_LEVELS = list(process.env.BENCH_CAPACITY_KNEE_LEVELS, '24,32,40,48,56,64,80,96');
const PAIRS = Number(process.env.BENCH_CAPACITY_PAIRS ?? 5);
const WARMUP_MS = Number(process.env.BENCH_CAPACITY_WARMUP_MS ?? 3_000);
const WINDOW_MS = Number(process.env.BENCH_CAPACITY_MEASURE_MS ?? 8_000);
/** The synthetic peers: libdatachannel by default; werift (what the tests use) on request. */
const PEER = (process.env.BENCH_CAPACITY_PEER ?? 'ndc') as PeerKind;

/**
 * CPU per session and where this machine saturates: N synthetic callers (werift, looped
 * 1.5 Mbit/s VP8 + Opus), each with 2 viewers and recording on. At each N, bare Janus (A) and
 * Sightline (B) are measured alternately, A B A B …, both stacks connected throughout and only
 * the measured one carrying media; then Sightline alone at larger N until viewer loss or frame
 * delay rises.
 */
export async function capacity(): Promise<BenchResult> {
  if (LEVELS.length === 0) throw new Error('capacity: BENCH_CAPACITY_LEVELS names no load');
  if (PEER !== 'ndc' && PEER !== 'werift')
    throw new Error(`capacity: BENCH_CAPACITY_PEER must be ndc or werift, not "${PEER}"`);
  if (!(PAIRS >= 1)) throw new Error('capacity: BENCH_CAPACITY_PAIRS must be at least 1');
  const o = { warmupMs: WARMUP_MS, windowMs: WINDOW_MS };
  const source = new RtpSource();
  await source.start(ensureClip());
  const paired: PairedLevel[] = [];
  const solo: SoloLevel[] = [];
  let sightline: SightlineStack | null = null;
  let bare: BareJanusStack | null = null;
  let setupFailure: { sessions: number; error: string } | null = null;
  try {
    sightline = await SightlineStack.start(source, PEER);
    bare = await BareJanusStack.start(source, PEER);
    for (const n of LEVELS) {
      process.stdout.write(`  ${n} sessions, ${PAIRS} pairs:\n`);
      await bare.grow(n);
      await sightline.grow(n);
      sightline.carry(false);
      bare.carry(false);
      const halves: Array<{ bare: Half; sightline: Half }> = [];
      for (let p = 0; p < PAIRS; p++) {
        const a = await measureHalf(bare, o);
        printHalf(a);
        const b = await measureHalf(sightline, o);
        printHalf(b);
        halves.push({ bare: a, sightline: b });
      }
      paired.push(levelOf(n, halves));
    }
    // Past the compared loads only Sightline runs: bare Janus would take cores it does not need.
    await bare.close();
    bare = null;
    const baseline = paired[0]!;
    const kneeSoFar = () => kneeOf(baseline, paired, solo);
    for (const n of KNEE_LEVELS) {
      if (kneeSoFar()) break;
      process.stdout.write(`  ${n} sessions, Sightline alone:\n`);
      try {
        await sightline.grow(n);
      } catch (err) {
        // A machine too busy to set up another session has passed its knee too; say so.
        setupFailure = { sessions: n, error: (err as Error).message };
        process.stdout.write(`    setup failed: ${setupFailure.error}\n`);
        break;
      }
      const h = await measureHalf(sightline, o);
      printHalf(h);
      solo.push({ sessions: n, half: h });
    }
  } finally {
    await bare?.close();
    await sightline?.close();
    await source.stop();
  }
  const knee = kneeOf(paired[0]!, paired, solo);
  const report = rowsOf(paired, solo, knee, setupFailure);
  return {
    name: 'capacity',
    json: {
      viewers_per_session: VIEWERS,
      synthetic_peers: PEER,
      recording: true,
      pairs: PAIRS,
      warmup_seconds: WARMUP_MS / 1000,
      measure_seconds: WINDOW_MS / 1000,
      levels: paired.map((l) => l.json),
      knee_levels: solo.map((l) => l.json),
      knee: knee?.json ?? null,
      knee_setup_failure: setupFailure,
      ...report.json,
      method:
        'At each N both stacks keep N sessions connected; pairs of halves (bare Janus, then Sightline) each carry ' +
        'the media alone for the same warm-up and window. CPU from /proc/<pid>/stat (trees); RSS peak sampled every ' +
        "250 ms; viewers count RTP bytes, sequence gaps and each video frame's arrival against its RTP timestamp.",
    },
    rows: report.rows,
  };
}
