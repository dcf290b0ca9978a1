import type { Page } from '@playwright/test';
import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { childrenNamed, quietMachine, treeMeter } from './lib/proc-tree.js';
import type { BenchResult } from './lib/results.js';
import { consoleContext, launchChromium, officerApi, startSightline } from './lib/sightline.js';
import { round } from './lib/stats.js';

const LEVELS = (process.env.BENCH_WALL_LEVELS ?? '4,9,16').split(',').map(Number);
const WARMUP_MS = 5_000;
const MEASURE_MS = Number(process.env.BENCH_WALL_MEASURE_MS ?? 20_000);

interface LevelResult {
  tiles: number;
  /** All Chromium processes' CPU time over the window, as % of one core. */
  browserCpuPct: number | null;
  /** Frames decoded per tile per second: the mean, and the slowest tile (did every tile play?). */
  fpsPerTile: number | null;
  minTileFps: number | null;
  tilesPlaying: number;
  /** Busy cores the measured processes do not account for (server, Janus, callers, other people's work). */
  otherCores: number | null;
  seconds: number | null;
}

/** Every tile's frames-decoded counter, by session. */
function framesByTile(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    const tiles = Array.from(document.querySelectorAll('[data-testid="wall-tile"]')) as HTMLElement[];
    for (const t of tiles) {
      const v = t.querySelector('[data-testid="tile-video"]') as HTMLElement | null;
      out[t.dataset.session ?? ''] = Number(v?.dataset.framesDecoded ?? 0);
    }
    return out;
  });
}

/**
 * The live wall's cost in the supervisor's browser: with 4, 9 and 16 synthetic callers
 * streaming (real invites, consent and WebRTC publishes of the looped clip through Janus),
 * the console's wall at 1920×1080 plays every tile; over a fixed window we sum the CPU time
 * of all of Chromium's processes from /proc and count frames each tile decoded.
 */
export async function wall(): Promise<BenchResult> {
  const server = await startSightline({ SIGHTLINE_TRUST_PROXY: 'loopback', SIGHTLINE_LOG_LEVEL: 'warn' });
  const source = new RtpSource();
  await source.start(ensureClip());
  const browser = await launchChromium();
  const calls: SyntheticCall[] = [];
  const results: LevelResult[] = [];
  try {
    const api = await officerApi(server.url);
    const chromium = childrenNamed(process.pid, 'chromium');
    if (!chromium.length) throw new Error('no Chromium process under this one to measure');
    const roots = Object.fromEntries(chromium.map((pid, i) => [`chromium${i}`, pid]));
    const officer = await consoleContext(browser, server.url, 'supervisor');
    await officer.page.setViewportSize({ width: 1920, height: 1080 });
    await officer.page.goto(`${server.url}/wall`);
    for (const n of LEVELS) {
      while (calls.length < n) calls.push(await syntheticCall(server.url, api, source));
      // Every tile is on the wall and has started playing before the window opens.
      await officer.page.waitForFunction(
        (want) => {
          const v = Array.from(document.querySelectorAll('[data-testid="tile-video"]')) as HTMLElement[];
          return v.length === want && v.every((x) => Number(x.dataset.framesDecoded) > 0);
        },
        n,
        { timeout: 90_000, polling: 500 },
      );
      await new Promise((r) => setTimeout(r, WARMUP_MS));
      await quietMachine(roots, { maxOtherCores: 1.2, timeoutMs: 30_000 });
      const before = await framesByTile(officer.page);
      const m = treeMeter(roots);
      await new Promise((r) => setTimeout(r, MEASURE_MS));
      const w = m.stop();
      const after = await framesByTile(officer.page);
      const fps = Object.keys(after).map((id) => ((after[id] ?? 0) - (before[id] ?? 0)) / w.seconds);
      const browserCores = Object.entries(w.cpu)
        .filter(([k]) => k.startsWith('chromium'))
        .reduce((s, [, v]) => s + v, 0);
      const r: LevelResult = {
        tiles: n,
        browserCpuPct: round(browserCores * 100),
        fpsPerTile: round(fps.reduce((a, b) => a + b, 0) / Math.max(1, fps.length)),
        minTileFps: round(Math.min(...fps)),
        tilesPlaying: fps.filter((f) => f > 1).length,
        otherCores: round(w.machine.otherCores),
        seconds: round(w.seconds),
      };
      results.push(r);
      process.stdout.write(
        `  ${n} tiles: browser ${r.browserCpuPct}% of a core; ${r.fpsPerTile} fps per tile (slowest ${r.minTileFps}, ${r.tilesPlaying}/${n} playing); other work ${r.otherCores} cores\n`,
      );
    }
    await officer.context.close();
  } finally {
    for (const c of calls) c.hangUp();
    await browser.close();
    await source.stop();
    await server.stop();
  }
  const sixteen = results.find((r) => r.tiles === 16);
  return {
    name: 'wall',
    json: {
      levels: results,
      measure_ms: MEASURE_MS,
      viewport: '1920x1080',
      method:
        "Sum of utime+stime of every Chromium process (the browser launched by this run and all its descendants) from /proc over the window, as % of one core; frames decoded from each tile's getStats (data-frames-decoded). Synthetic callers publish the looped 1280x720 30 fps VP8 clip (about 1.5 Mbit/s) (werift) through real signalling and Janus; see docs/performance.md",
    },
    rows: [
      ...results.map((r) => ({
        metric: `wall browser CPU, ${r.tiles} tiles`,
        value: `${r.browserCpuPct}% of one core; ${r.fpsPerTile} fps per tile (slowest ${r.minTileFps}; ${r.tilesPlaying}/${r.tiles} playing)`,
      })),
      ...(sixteen ? [] : [{ metric: 'wall 16 tiles', value: 'not measured (BENCH_WALL_LEVELS)' }]),
    ],
  };
}
