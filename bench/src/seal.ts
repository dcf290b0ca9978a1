import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult, SummaryRow } from './lib/results.js';
import type { HostArgs, HostReport } from './lib/seal-host.js';
import { round } from './lib/stats.js';

const HOST = fileURLToPath(new URL('./lib/seal-host.ts', import.meta.url));

/** Per recording, like a Janus VideoRoom publisher's files: name, bits per second, packets per second. */
const TRACKS = [
  { name: 'video-1', bps: 1_500_000, pps: 150 },
  { name: 'audio-0', bps: 40_000, pps: 50 },
  { name: 'data-2', bps: 8_000, pps: 5 },
] as const;
/** Janus writes through stdio: each file reaches the disk in buffered pieces, here every 20 ms. */
const WRITE_EVERY_MS = 20;

/**
 * Sealing's CPU cost at N sessions: the real Sealer and SQLite database in a process of their own
 * (seal-host.ts) while this process grows 3 .mjr-like files per session at a call's rates. Runs
 * the host without sealing and with it, interleaved, and reports CPU-s/s of each and where the
 * sealer's CPU goes. Sizes: SIGHTLINE_BENCH_SEAL_SESSIONS (16), _SECONDS (60), _PAIRS (1).
 */
export async function seal(): Promise<BenchResult> {
  const sessions = Number(process.env.SIGHTLINE_BENCH_SEAL_SESSIONS ?? 16);
  const seconds = Number(process.env.SIGHTLINE_BENCH_SEAL_SECONDS ?? 60);
  const pairs = Number(process.env.SIGHTLINE_BENCH_SEAL_PAIRS ?? 1);
  const intervalMs = 10_000;
  const runs: Array<{ sealing: boolean; report: HostReport; appendedBytes: number }> = [];
  for (let p = 0; p < pairs; p++) {
    for (const sealing of [false, true]) {
      const r = await runOnce(sessions, seconds, intervalMs, sealing);
      process.stdout.write(`  ${sealing ? 'sealing' : 'baseline'}: ${JSON.stringify(r.report)}\n`);
      runs.push({ sealing, ...r });
    }
  }
  const perS = (runsOf: typeof runs, f: (r: HostReport) => number) =>
    runsOf.reduce((a, r) => a + f(r.report), 0) / runsOf.reduce((a, r) => a + r.report.wallSeconds, 0);
  const on = runs.filter((r) => r.sealing);
  const off = runs.filter((r) => !r.sealing);
  const cpuOn = perS(on, (r) => r.cpuSeconds);
  const cpuOff = perS(off, (r) => r.cpuSeconds);
  const db = perS(on, (r) => r.dbCpu);
  const fsMeta = perS(on, (r) => r.fsMetaCpu);
  const tick = perS(on, (r) => r.tickCpu);
  // SHA-256 of the sealed bytes alone, at this machine's measured speed: what no sealer can avoid.
  const floor = perS(on, (r) => r.sealedBytes * r.sha256CpuPerByte);
  const mbPerS =
    on.reduce((a, r) => a + r.appendedBytes, 0) / on.reduce((a, r) => a + r.report.wallSeconds, 0) / 1e6;
  const fmt = (x: number) => String(round(x, 4));
  const rows: SummaryRow[] = [
    {
      metric: `sealer CPU-s/s at ${sessions} sessions (${sessions * TRACKS.length} files, ${round(mbPerS, 1)} MB/s appended, 10 s interval): process with sealing minus without`,
      value: fmt(cpuOn - cpuOff),
    },
    { metric: 'sealer CPU-s/s inside its ticks', value: fmt(tick) },
    { metric: 'of which DB writes', value: fmt(db) },
    { metric: 'of which readdir/stat/open', value: fmt(fsMeta) },
    { metric: 'of which reading + hashing (the rest of the tick)', value: fmt(tick - db - fsMeta) },
    { metric: 'SHA-256 of the sealed bytes alone (the floor)', value: fmt(floor) },
  ];
  return {
    name: 'seal',
    rows,
    json: {
      sessions,
      files: sessions * TRACKS.length,
      tracks: TRACKS,
      seconds,
      intervalMs,
      appendedMBPerS: round(mbPerS, 3),
      cpuPerS: {
        withSealer: cpuOn,
        without: cpuOff,
        sealer: cpuOn - cpuOff,
        tick,
        db,
        fsMeta,
        readHash: tick - db - fsMeta,
        sha256Floor: floor,
      },
      runs,
    },
  };
}

async function runOnce(sessions: number, seconds: number, intervalMs: number, sealing: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-seal-bench-'));
  try {
    const recordings = Array.from({ length: sessions }, (_, i) => ({
      recordingId: `r${i}`,
      sessionId: `s${i}`,
      fileBase: `rec-r${i}`,
    }));
    const files = recordings.flatMap((r) => {
      mkdirSync(join(dir, r.sessionId));
      return TRACKS.map((t) => {
        const fd = openSync(join(dir, r.sessionId, `${r.fileBase}-${t.name}.mjr.tmp`), 'a');
        writeSync(fd, Buffer.from(`MJR00002${JSON.stringify({ t: t.name })}`));
        return { fd, track: t };
      });
    });
    const args: HostArgs = {
      dir,
      dbFile: join(dir, 'sightline.db'),
      recordings,
      seconds,
      intervalMs,
      sealing,
    };
    const host = spawn(process.execPath, ['--import', 'tsx', HOST, JSON.stringify(args)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = readLines(host);
    if ((await lines.next()).value !== 'ready') throw new Error('seal host did not start');
    // Appends each file's packets for the last 20 ms as one write, as Janus's buffered writes do.
    const packet = randomBytes(1500);
    let appended = 0;
    const writer = setInterval(() => {
      for (const f of files) {
        const n = Math.max(1, Math.round((f.track.pps * WRITE_EVERY_MS) / 1000));
        const size = Math.round(f.track.bps / 8 / f.track.pps);
        const chunk = Buffer.alloc(n * (size + 6));
        for (let i = 0; i < n; i++) {
          const at = i * (size + 6);
          chunk.write('MEET', at);
          chunk.writeUInt16BE(size, at + 4);
          packet.copy(chunk, at + 6, 0, Math.min(size, packet.length));
        }
        appended += writeSync(f.fd, chunk);
      }
    }, WRITE_EVERY_MS);
    host.stdin!.write('go\n');
    const out = (await lines.next()).value;
    clearInterval(writer);
    for (const f of files) closeSync(f.fd);
    if (!out) throw new Error('seal host ended without a report');
    return { report: JSON.parse(out) as HostReport, appendedBytes: appended };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function* readLines(child: ChildProcess): AsyncGenerator<string> {
  let buf = '';
  for await (const chunk of child.stdout!) {
    buf += String(chunk);
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      yield buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  }
}
