import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { childrenNamed, quietMachine, treeMeter } from './lib/proc-tree.js';
import type { BenchResult } from './lib/results.js';
import {
  consoleContext,
  endSession,
  launchChromium,
  type OfficerApi,
  officerApi,
  type Sightline,
  startSightline,
} from './lib/sightline.js';
import { round } from './lib/stats.js';

const LEVELS = (process.env.BENCH_WALL_LEVELS ?? '4,9,16').split(',').map(Number);
const WARMUP_MS = 5_000;
const MEASURE_MS = Number(process.env.BENCH_WALL_MEASURE_MS ?? 20_000);
const CACHE = fileURLToPath(new URL('../.cache/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../docs/screenshots/console/', import.meta.url));

interface LevelResult {
  stream: 'full' | 'light';
  tiles: number;
  /** All Chromium processes' CPU time over the window, as % of one core. */
  browserCpuPct: number | null;
  /** Frames decoded per tile per second: the mean, and the slowest tile (did every tile play?). */
  fpsPerTile: number | null;
  minTileFps: number | null;
  tilesPlaying: number;
  /** Tiles inside the 1920×1080 viewport (the others stop their video). */
  tilesOnScreen: number;
  perTileFps: Array<number | null>;
  /** This process: the synthetic callers (werift) and Playwright. */
  generatorCores: number | null;
  /** Busy cores none of the above accounts for (server, Janus, other people's work). */
  otherCores: number | null;
  seconds: number | null;
}

/**
 * What the wall receives when callers send a light layer (simulcast's low layer is about this):
 * the same test pattern at 320×180, 15 fps, 150 kbit/s. Encoded once and cached.
 */
function lightClip(): string {
  const file = join(CACHE, 'loop-180p-vp8-150k.webm');
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  const partial = `${file}.${process.pid}.partial.webm`;
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=15'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '10'],
    ...['-c:v', 'libvpx', '-b:v', '150k', '-minrate', '150k', '-maxrate', '150k'],
    ...['-deadline', 'realtime', '-cpu-used', '8', '-g', '30'],
    ...['-c:a', 'libopus', '-b:a', '32k', '-ac', '2', partial],
  ]);
  renameSync(partial, file);
  return file;
}

/** Every tile's frames-decoded counter and whether it is inside the viewport, by session. */
function tileState(page: Page): Promise<Record<string, { frames: number; onScreen: boolean }>> {
  return page.evaluate(() => {
    const out: Record<string, { frames: number; onScreen: boolean }> = {};
    const tiles = Array.from(document.querySelectorAll('[data-testid="wall-tile"]')) as HTMLElement[];
    for (const t of tiles) {
      const v = t.querySelector('[data-testid="tile-video"]') as HTMLElement | null;
      const r = t.getBoundingClientRect();
      out[t.dataset.session ?? ''] = {
        frames: Number(v?.dataset.framesDecoded ?? 0),
        onScreen: r.top < window.innerHeight && r.bottom > 0,
      };
    }
    return out;
  });
}

interface Run {
  server: Sightline;
  api: OfficerApi;
  page: Page;
  roots: Record<string, number>;
}

/** Brings the wall to each level of calls from one source, measures, then ends those calls. */
async function series(run: Run, stream: 'full' | 'light', clip: string): Promise<LevelResult[]> {
  const source = new RtpSource();
  await source.start(clip);
  const calls: SyntheticCall[] = [];
  const out: LevelResult[] = [];
  try {
    for (const n of LEVELS) {
      while (calls.length < n) calls.push(await syntheticCall(run.server.url, run.api, source));
      // Every tile is on the wall and has started playing before the window opens.
      await run.page.waitForFunction(
        (want) => {
          const v = Array.from(document.querySelectorAll('[data-testid="tile-video"]')) as HTMLElement[];
          return v.length === want && v.every((x) => Number(x.dataset.framesDecoded) > 0);
        },
        n,
        { timeout: 90_000, polling: 500 },
      );
      await new Promise((r) => setTimeout(r, WARMUP_MS));
      await quietMachine(run.roots, { maxOtherCores: 1.2, timeoutMs: 30_000 });
      const before = await tileState(run.page);
      const m = treeMeter(run.roots);
      await new Promise((r) => setTimeout(r, MEASURE_MS));
      const w = m.stop();
      const after = await tileState(run.page);
      const fps = Object.keys(after).map(
        (id) => ((after[id]?.frames ?? 0) - (before[id]?.frames ?? 0)) / w.seconds,
      );
      const browserCores = Object.entries(w.cpu)
        .filter(([k]) => k.startsWith('chromium'))
        .reduce((s, [, v]) => s + v, 0);
      const r: LevelResult = {
        stream,
        tiles: n,
        browserCpuPct: round(browserCores * 100),
        fpsPerTile: round(fps.reduce((a, b) => a + b, 0) / Math.max(1, fps.length)),
        minTileFps: round(Math.min(...fps)),
        tilesPlaying: fps.filter((f) => f > 1).length,
        tilesOnScreen: Object.values(after).filter((t) => t.onScreen).length,
        perTileFps: fps.map((f) => round(f)),
        generatorCores: round(w.cpu.generator ?? Number.NaN, 2),
        otherCores: round(w.machine.otherCores, 2),
        seconds: round(w.seconds),
      };
      out.push(r);
      process.stdout.write(
        `  ${stream} ${n} tiles: browser ${r.browserCpuPct}% of a core; ${r.fpsPerTile} fps per tile (slowest ${r.minTileFps}, ${r.tilesPlaying}/${n} playing, ${r.tilesOnScreen} on screen); generator ${r.generatorCores}, other ${r.otherCores} cores\n`,
      );
      if (n === 16 && process.env.SIGHTLINE_DOC_SCREENSHOTS === '1') {
        mkdirSync(SHOTS, { recursive: true });
        await run.page.screenshot({ path: join(SHOTS, `live-wall-16-${stream}.png`) });
      }
    }
  } finally {
    for (const c of calls) c.hangUp();
    for (const c of calls) await endSession(run.api, c.sessionId).catch(() => {});
    await source.stop();
  }
  // The ended calls leave the wall before the next series starts.
  await run.page.waitForFunction(() => !document.querySelector('[data-testid="wall-tile"]'), null, {
    timeout: 30_000,
  });
  return out;
}

/**
 * The live wall's cost in the supervisor's browser: with 4, 9 and 16 synthetic callers
 * streaming (real invites, consent and WebRTC publishes through Janus), the console's wall at
 * 1920×1080 plays every tile; over a fixed window we sum the CPU time of all of Chromium's
 * processes from /proc and count frames each tile decoded. Run twice: callers sending the
 * full 720p stream, then callers sending a light 180p stream (what a tile receives when the
 * caller sends simulcast and the tile asks for the low layer).
 */
export async function wall(): Promise<BenchResult> {
  const server = await startSightline({ SIGHTLINE_TRUST_PROXY: 'loopback', SIGHTLINE_LOG_LEVEL: 'warn' });
  const browser = await launchChromium();
  const results: LevelResult[] = [];
  try {
    const api = await officerApi(server.url);
    const chromium = childrenNamed(process.pid, 'chromium');
    if (!chromium.length) throw new Error('no Chromium process under this one to measure');
    const roots = Object.fromEntries(chromium.map((pid, i) => [`chromium${i}`, pid]));
    const officer = await consoleContext(browser, server.url, 'supervisor');
    await officer.page.setViewportSize({ width: 1920, height: 1080 });
    await officer.page.goto(`${server.url}/wall`);
    const run = { server, api, page: officer.page, roots };
    results.push(...(await series(run, 'full', ensureClip())));
    results.push(...(await series(run, 'light', lightClip())));
    await officer.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
  const text = (r: LevelResult) =>
    `${r.browserCpuPct}% of one core; ${r.fpsPerTile} fps per tile (slowest ${r.minTileFps}; ${r.tilesPlaying}/${r.tiles} playing)`;
  return {
    name: 'wall',
    json: {
      levels: results,
      measure_ms: MEASURE_MS,
      viewport: '1920x1080',
      streams: {
        full: 'looped 1280x720 30 fps VP8 clip, about 1.5 Mbit/s (the synthetic caller of capacity)',
        light: 'looped 320x180 15 fps VP8 clip, 150 kbit/s (about what a simulcast low layer carries)',
      },
      method:
        "Sum of utime+stime of every Chromium process (the browser launched by this run and all its descendants) from /proc over the window, as % of one core; frames decoded from each tile's getStats (data-frames-decoded). Synthetic callers (werift) publish through real invites, consent, signalling and Janus; see docs/performance.md",
    },
    rows: results.map((r) => ({
      metric: `wall, ${r.tiles} tiles, ${r.stream === 'full' ? '720p stream' : '180p light stream'}`,
      value: text(r),
    })),
  };
}
