import { fileURLToPath } from 'node:url';
import type { BenchResult, SummaryRow } from './lib/results.js';
import {
  ANDROID_UA,
  consoleContext,
  createInvite,
  endSession,
  IPHONE_UA,
  launchChromium,
  officerApi,
  phoneContext,
  startSightline,
} from './lib/sightline.js';
import { summarise } from './lib/stats.js';

const SCRIPT = fileURLToPath(new URL('./lib/latency.browser.js', import.meta.url));
const MIN_FRAMES = 300;
const TARGET_P50_MS = 120;
const MAX_SECONDS = 40;

/**
 * Glass to glass: the caller page publishes a canvas that shows the time; the
 * console decodes the time from each presented frame. VP8 (Android user agent)
 * and H264 (iPhone user agent: the server asks Janus for H264), real pipeline.
 */
export async function latency(): Promise<BenchResult> {
  const server = await startSightline();
  const browser = await launchChromium();
  const out: Record<string, ReturnType<typeof summarise> & { unreadable: number }> = {};
  try {
    const api = await officerApi(server.url);
    const officer = await consoleContext(browser, server.url);
    await officer.context.addInitScript({ path: SCRIPT });
    for (const [codec, ua] of [
      ['vp8', ANDROID_UA],
      ['h264', IPHONE_UA],
    ] as const) {
      const { sessionId, link } = await createInvite(api);
      await officer.page.goto(`${server.url}/sessions/${sessionId}`);
      const phone = await phoneContext(browser, ua);
      await phone.addInitScript({ path: SCRIPT });
      const page = await phone.newPage();
      await page.goto(link);
      await page.getByRole('button', { name: 'Start sharing' }).click();
      // Let bandwidth estimation settle before counting (the first seconds ramp up).
      await officer.page.waitForFunction(
        () => (window as unknown as { __latency: { samples: number[] } }).__latency.samples.length > 30,
        null,
        {
          timeout: 30_000,
        },
      );
      await officer.page.waitForTimeout(3_000);
      await officer.page.evaluate(() => {
        (window as unknown as { __latency: { samples: number[] } }).__latency.samples.length = 0;
      });
      const deadline = Date.now() + MAX_SECONDS * 1000;
      let samples: number[] = [];
      while (Date.now() < deadline) {
        await officer.page.waitForTimeout(2_000);
        samples = await officer.page.evaluate(() => [
          ...(window as unknown as { __latency: { samples: number[] } }).__latency.samples,
        ]);
        if (samples.length >= MIN_FRAMES + 60) break;
      }
      const unreadable = await officer.page.evaluate(() =>
        (window as unknown as { __latency: { unreadable: () => number } }).__latency.unreadable(),
      );
      out[codec] = { ...summarise(samples), unreadable };
      process.stdout.write(`  ${codec}: ${samples.length} frames, p50 ${out[codec].p50} ms\n`);
      await endSession(api, sessionId);
      await phone.close();
    }
    await officer.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
  const json: Record<string, unknown> = {
    method:
      'canvas time code → real caller page → Janus → real console; decoded per presented frame (requestVideoFrameCallback expectedDisplayTime)',
  };
  const rows: SummaryRow[] = [];
  for (const [codec, s] of Object.entries(out)) {
    json[codec] = {
      p50_ms: s.p50,
      p90_ms: s.p90,
      p99_ms: s.p99,
      max_ms: s.max,
      frames: s.n,
      unreadable_frames: s.unreadable,
    };
    rows.push({
      metric: `glass-to-glass ${codec.toUpperCase()} p50`,
      value: `${s.p50} ms (p90 ${s.p90}, p99 ${s.p99}; ${s.n} frames)`,
      target: `≤ ${TARGET_P50_MS} ms`,
      pass: (s.p50 ?? Infinity) <= TARGET_P50_MS,
    });
  }
  return { name: 'latency', json, rows };
}
