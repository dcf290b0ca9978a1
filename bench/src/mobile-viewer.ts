import { type Browser, type BrowserContext, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@sightline/testkit/chromium';
import { ConsoleClient } from '@sightline/testkit/console-client';
import { PhoneNetwork } from '@sightline/testkit/phone-network';
import {
  initialLayerState,
  type LinkCounters,
  linkCounters,
  linkSample,
  nextLayer,
} from '../../apps/console/src/live-video/layer-policy.js';
import { quietMachine, treeMeter } from './lib/proc-tree.js';
import type { BenchResult, SummaryRow } from './lib/results.js';
import { callerLayers, KEEP_PEERS, type Received, type SentLayer, ViewerPage } from './lib/rtp-pages.js';
import { createInvite, endSession, officerApi, phoneContext, startSightline } from './lib/sightline.js';
import { median, round } from './lib/stats.js';

const RUNS = Number(process.env.BENCH_MOBILE_RUNS ?? 3);
const SHAPED_RUNS = Number(process.env.BENCH_MOBILE_SHAPED_RUNS ?? 2);
/** The caller's bandwidth estimate ramps up from 300 kbit/s; measure once it has. */
const WARMUP_MS = 12_000;
const WINDOW_MS = 12_000;
/** A layer switch waits for the new layer's keyframe. */
const SWITCH_MS = 4_000;
const AUTO_MS = Number(process.env.BENCH_MOBILE_AUTO_MS ?? 60_000);
/** A field officer's phone on a middling 4G cell (rate and queue only: this kernel has no netem). */
const LINK = { kbit: 1000, queueMs: 200 };

type Mode = 'single' | 'simulcast';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a viewer got over a window. */
interface Watched {
  kbps: number;
  width: number | null;
  height: number | null;
  fps: number;
  freezes: number;
  freezeSeconds: number;
}

function watched(a: Received, b: Received): Watched {
  const s = (b.at - a.at) / 1000;
  return {
    kbps: round(((b.bytes - a.bytes) * 8) / s / 1000) ?? 0,
    width: b.width,
    height: b.height,
    fps: round((b.framesDecoded - a.framesDecoded) / s) ?? 0,
    freezes: b.freezes - a.freezes,
    freezeSeconds: round(b.freezeSeconds - a.freezeSeconds, 2) ?? 0,
  };
}

/** The caller's sending over a window: total uplink, its browser's CPU, and each layer. */
interface Sent {
  uplinkKbps: number;
  cpuPctOfCore: number;
  otherCores: number;
  layers: Array<{
    rid: string | null;
    kbps: number;
    width: number | null;
    height: number | null;
    fps: number;
    encodeMsPerS: number;
    limitation: string | null;
  }>;
}

function sent(
  a: { at: number; layers: SentLayer[] },
  b: { at: number; layers: SentLayer[] },
  cpu: number,
  other: number,
): Sent {
  const s = (b.at - a.at) / 1000;
  const layers = b.layers.map((l) => {
    const before = a.layers.find((x) => x.rid === l.rid);
    return {
      rid: l.rid,
      kbps: round(((l.bytes - (before?.bytes ?? 0)) * 8) / s / 1000) ?? 0,
      width: l.width,
      height: l.height,
      fps: round((l.framesEncoded - (before?.framesEncoded ?? 0)) / s) ?? 0,
      encodeMsPerS: round(((l.encodeSeconds - (before?.encodeSeconds ?? 0)) * 1000) / s) ?? 0,
      limitation: l.limitation,
    };
  });
  return {
    uplinkKbps: round(layers.reduce((t, l) => t + l.kbps, 0)) ?? 0,
    cpuPctOfCore: round(cpu * 100) ?? 0,
    otherCores: round(other, 2) ?? 0,
    layers,
  };
}

/** One caller (a real caller page on a fake camera) publishing until `end()`. */
async function call(caller: Browser, api: Awaited<ReturnType<typeof officerApi>>, con: ConsoleClient) {
  const { sessionId, link } = await createInvite(api);
  const context: BrowserContext = await phoneContext(caller);
  await context.addInitScript(KEEP_PEERS);
  const page = await context.newPage();
  const live = con.waitFor(
    (m) =>
      m.type === 'session.updated' &&
      (m.session as { id: string; publishing: boolean }).id === sessionId &&
      (m.session as { publishing: boolean }).publishing,
    30_000,
  );
  await page.goto(link);
  await page.getByRole('button', { name: 'Start sharing' }).click();
  await live;
  return {
    sessionId,
    page,
    async end() {
      await endSession(api, sessionId);
      await context.close();
    },
  };
}

/** `auto` behind the shaped link: the console's own policy, fed once a second from the viewer's stats. */
async function autoRun(viewer: ViewerPage) {
  let policy = initialLayerState('low');
  let counters: LinkCounters | null = null;
  const seconds: Array<{ layer: string; kbps: number }> = [];
  let switches = 0;
  const first = await viewer.received();
  let prev = first;
  for (let t = 0; t < AUTO_MS / 1000; t++) {
    await sleep(1000);
    const cur = await viewer.received();
    seconds.push({
      layer: policy.layer,
      kbps: ((cur.bytes - prev.bytes) * 8) / ((cur.at - prev.at) / 1000) / 1000,
    });
    prev = cur;
    if (!cur.inbound) continue;
    const c = linkCounters(cur.inbound);
    const link = counters ? linkSample(counters, c) : null;
    counters = c;
    if (!link) continue;
    const r = nextLayer(policy, link);
    policy = r.state;
    if (r.switchTo) {
      switches++;
      viewer.setLayer(r.switchTo);
    }
  }
  return {
    ...watched(first, prev),
    fullLayerSharePct: round((100 * seconds.filter((s) => s.layer === 'high').length) / seconds.length) ?? 0,
    switches,
  };
}

/** One server (simulcast on or off): RUNS calls on a clean link, then SHAPED_RUNS behind the 4G link. */
async function measureMode(mode: Mode, net: PhoneNetwork) {
  const server = await startSightline({
    SIGHTLINE_SIMULCAST: mode === 'simulcast' ? 'true' : 'false',
    SIGHTLINE_MEDIA_IFACE: net.iface,
    SIGHTLINE_LOG_LEVEL: 'warn',
  });
  // The caller's own browser, so its processes can be measured apart from the viewer's.
  const callerServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const callerPid = callerServer.process().pid!;
  const caller = await chromium.connect(callerServer.wsEndpoint());
  const viewerBrowser = await chromium.launch({ executablePath: net.chromium, args: CHROMIUM_ARGS });
  const viewerPage = await (await viewerBrowser.newContext()).newPage();
  const clean: Array<{ caller: Sent; full: Watched; light: Watched | null }> = [];
  const shaped: Array<Record<string, unknown>> = [];
  try {
    const api = await officerApi(server.url);
    const con = await ConsoleClient.open(server.url, api.cookie);
    const viewer = new ViewerPage(viewerPage, con);
    for (let i = 0; i < RUNS; i++) {
      const c = await call(caller, api, con);
      await viewer.start(c.sessionId, 'high');
      await sleep(WARMUP_MS);
      const other = await quietMachine({ caller: callerPid }, { maxOtherCores: 0.3, timeoutMs: 10_000 });
      const [s0, v0] = await Promise.all([callerLayers(c.page), viewer.received()]);
      const meter = treeMeter({ caller: callerPid });
      await sleep(WINDOW_MS);
      const cpu = meter.stop().cpu.caller!;
      const [s1, v1] = await Promise.all([callerLayers(c.page), viewer.received()]);
      let light: Watched | null = null;
      if (mode === 'simulcast') {
        viewer.setLayer('low');
        await sleep(SWITCH_MS);
        const l0 = await viewer.received();
        await sleep(WINDOW_MS);
        light = watched(l0, await viewer.received());
      }
      const run = { caller: sent(s0, s1, cpu, other), full: watched(v0, v1), light };
      clean.push(run);
      process.stdout.write(
        `  ${mode} run ${i + 1}/${RUNS}: caller ${run.caller.uplinkKbps} kbit/s, ${run.caller.cpuPctOfCore}% CPU; viewer full ${run.full.kbps} kbit/s ${run.full.width}×${run.full.height}${light ? `, light ${light.kbps} kbit/s ${light.width}×${light.height}` : ''}\n`,
      );
      viewer.stop();
      await c.end();
    }
    for (let i = 0; i < SHAPED_RUNS; i++) {
      const c = await call(caller, api, con);
      try {
        net.shapeDownlink(LINK);
        if (mode === 'single') {
          await viewer.start(c.sessionId);
          await sleep(WARMUP_MS);
          const a = await viewer.received();
          await sleep(AUTO_MS / 3);
          shaped.push({ viewer: 'full', ...watched(a, await viewer.received()) });
        } else {
          await viewer.start(c.sessionId, 'low');
          await sleep(SWITCH_MS);
          const a = await viewer.received();
          await sleep(AUTO_MS / 3);
          shaped.push({ viewer: 'light', ...watched(a, await viewer.received()) });
          viewer.stop();
          await viewer.start(c.sessionId, 'auto');
          shaped.push({ viewer: 'auto', ...(await autoRun(viewer)) });
        }
      } catch (err) {
        // A viewer that never decodes a frame behind the link is a result too, not a lost run.
        shaped.push({ viewer: mode === 'single' ? 'full' : 'auto', error: String(err) });
      } finally {
        viewer.stop();
        net.clear();
      }
      process.stdout.write(
        `  ${mode} shaped run ${i + 1}/${SHAPED_RUNS}: ${JSON.stringify(shaped.slice(-2))}\n`,
      );
      await c.end();
    }
    con.close();
  } finally {
    await viewerBrowser.close();
    await caller.close();
    await callerServer.close();
    await server.stop();
  }
  return { clean, shaped };
}

const med = (xs: number[]) => round(median(xs)) ?? 0;
const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${Math.round((100 * (b - a)) / a)}%`;

/**
 * What a mobile viewer receives with and without the caller's light simulcast layer, and what
 * producing that layer costs the caller's uplink and CPU: a real caller page (fake 720p
 * camera) in its own Chromium, a viewer in another Chromium on its own network namespace
 * (clean, then shaped like a middling 4G cell), both through the real server and Janus.
 */
export async function mobileViewer(): Promise<BenchResult> {
  const net = new PhoneNetwork(3);
  let single: Awaited<ReturnType<typeof measureMode>>;
  let simul: Awaited<ReturnType<typeof measureMode>>;
  try {
    single = await measureMode('single', net);
    simul = await measureMode('simulcast', net);
  } finally {
    net.destroy();
  }
  const summary = (runs: typeof single.clean) => ({
    caller_uplink_kbps: med(runs.map((r) => r.caller.uplinkKbps)),
    caller_cpu_pct_of_core: med(runs.map((r) => r.caller.cpuPctOfCore)),
    caller_encode_ms_per_s: med(runs.map((r) => r.caller.layers.reduce((t, l) => t + l.encodeMsPerS, 0))),
    viewer_full_kbps: med(runs.map((r) => r.full.kbps)),
    viewer_full_fps: med(runs.map((r) => r.full.fps)),
    viewer_full_size: `${runs.at(-1)?.full.width}×${runs.at(-1)?.full.height}`,
    viewer_light_kbps: runs[0]?.light ? med(runs.map((r) => r.light!.kbps)) : null,
    viewer_light_fps: runs[0]?.light ? med(runs.map((r) => r.light!.fps)) : null,
    viewer_light_size: runs.at(-1)?.light
      ? `${runs.at(-1)!.light!.width}×${runs.at(-1)!.light!.height}`
      : null,
  });
  const a = summary(single.clean);
  const b = summary(simul.clean);
  const shapedOf = (rows: Array<Record<string, unknown>>, who: string) => {
    const r = rows.filter((x) => x.viewer === who);
    const m = (k: string) => med(r.map((x) => Number(x[k])));
    return {
      kbps: m('kbps'),
      fps: m('fps'),
      freezes: m('freezes'),
      freeze_s: m('freezeSeconds'),
      full_layer_pct: r[0]?.fullLayerSharePct !== undefined ? m('fullLayerSharePct') : null,
      switches: r[0]?.switches !== undefined ? m('switches') : null,
    };
  };
  const shaped = {
    link: LINK,
    full_without_simulcast: shapedOf(single.shaped, 'full'),
    light: shapedOf(simul.shaped, 'light'),
    auto: shapedOf(simul.shaped, 'auto'),
  };
  const rows: SummaryRow[] = [
    {
      metric: 'viewer receives: full stream',
      value: `${b.viewer_full_kbps} kbit/s, ${b.viewer_full_size}, ${b.viewer_full_fps} fps (one layer: ${a.viewer_full_kbps} kbit/s, ${a.viewer_full_size})`,
    },
    {
      metric: 'viewer receives: light layer',
      value: `${b.viewer_light_kbps} kbit/s, ${b.viewer_light_size}, ${b.viewer_light_fps} fps`,
    },
    {
      metric: 'caller uplink: one layer → simulcast',
      value: `${a.caller_uplink_kbps} → ${b.caller_uplink_kbps} kbit/s (${pct(a.caller_uplink_kbps, b.caller_uplink_kbps)})`,
    },
    {
      metric: 'caller Chromium CPU: one layer → simulcast',
      value: `${a.caller_cpu_pct_of_core} → ${b.caller_cpu_pct_of_core}% of a core (${pct(a.caller_cpu_pct_of_core, b.caller_cpu_pct_of_core)}); encoder ${a.caller_encode_ms_per_s} → ${b.caller_encode_ms_per_s} ms/s`,
    },
    {
      metric: `viewer behind ${LINK.kbit} kbit/s (${LINK.queueMs} ms queue)`,
      value: `full stream ${shaped.full_without_simulcast.kbps} kbit/s ${shaped.full_without_simulcast.fps} fps ${shaped.full_without_simulcast.freezes} freezes; light ${shaped.light.kbps} kbit/s ${shaped.light.fps} fps ${shaped.light.freezes} freezes; auto ${shaped.auto.kbps} kbit/s ${shaped.auto.fps} fps ${shaped.auto.freezes} freezes, ${shaped.auto.full_layer_pct}% on full`,
    },
  ];
  return {
    name: 'mobile-viewer',
    json: {
      runs: RUNS,
      shaped_runs: SHAPED_RUNS,
      window_s: WINDOW_MS / 1000,
      one_layer: a,
      simulcast: b,
      shaped,
      samples: { one_layer: single, simulcast: simul },
      method:
        "Caller page in its own Chromium (fake 720p camera, 30 fps, Android UA so VP8); CPU = its whole process tree from /proc over the window, % of one core; uplink = outbound-rtp bytes incl. headers; viewer = a Chromium page in a network namespace answering Janus through the console socket, inbound-rtp bytes incl. headers; shaped link: tbf on the viewer's veth (downlink rate and queue); auto = the console's layer-policy.ts fed from the viewer's stats each second",
    },
    rows,
  };
}
