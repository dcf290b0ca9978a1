import { join } from 'node:path';
import { type ProfileSummary, profilePage } from './lib/cpu-profile.js';
import { directFirstFrame } from './lib/direct-floor.js';
import { INSTRUMENT_SCRIPT } from './lib/instrument.js';
import type { BenchResult } from './lib/results.js';
import {
  consoleContext,
  createInvite,
  endSession,
  launchChromium,
  type OfficerApi,
  officerApi,
  phoneContext,
  startSightline,
} from './lib/sightline.js';
import { median, round, summarise } from './lib/stats.js';

const RUNS = Number(process.env.BENCH_TTFF_RUNS ?? 12);
const TARGET_P50_MS = 300;
const TARGET_P90_MS = 400;
/** BENCH_TTFF_PROFILE=<dir>: samples the console's main thread from the tap to the first frame. */
const PROFILE_DIR = process.env.BENCH_TTFF_PROFILE;

/**
 * Time to first frame: from the caller tapping Start (after consent) to the first
 * frame the console's <video> presents (requestVideoFrameCallback). Real Chromium
 * both sides, real server and Janus; the console is already open on the session.
 */
/** Waits until every recording of the session is stored (or found empty or failed). */
async function evidenceSettled(api: OfficerApi, sessionId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { recordings } = await api.request<{ recordings: Array<{ state: string }> }>(
      'GET',
      `/api/sessions/${sessionId}/evidence`,
    );
    if (recordings.every((r) => !['recording', 'ingesting'].includes(r.state))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the recordings of ${sessionId} were not ingested within 60 s`);
}

export async function ttff(): Promise<BenchResult> {
  // BENCH_SERVER_NODE_OPTIONS, e.g. `--import <profiler>`, profiles the server (docs/performance.md).
  const extra = process.env.BENCH_SERVER_NODE_OPTIONS;
  const server = await startSightline(extra ? { NODE_OPTIONS: extra } : {});
  const browser = await launchChromium();
  const runs: Array<Record<string, number>> = [];
  const direct: Array<Record<string, number>> = [];
  const profiles: ProfileSummary[] = [];
  try {
    const api = await officerApi(server.url);
    const officer = await consoleContext(browser, server.url);
    await officer.context.addInitScript({ path: INSTRUMENT_SCRIPT });
    for (let i = 0; i < RUNS; i++) {
      const { sessionId, link } = await createInvite(api);
      await officer.page.goto(`${server.url}/sessions/${sessionId}`);
      await officer.page
        .getByTestId('live-video')
        .or(officer.page.getByTestId('session-state'))
        .first()
        .waitFor();
      const phone = await phoneContext(browser);
      await phone.addInitScript({ path: INSTRUMENT_SCRIPT });
      const page = await phone.newPage();
      await page.goto(link);
      await page.getByRole('button', { name: 'Start sharing' }).waitFor();
      const stopProfile = PROFILE_DIR
        ? await profilePage(officer.page, join(PROFILE_DIR, `console-${i + 1}.cpuprofile`))
        : null;
      await page.getByRole('button', { name: 'Start sharing' }).click();
      await officer.page.waitForFunction(
        () => (window as unknown as { __bench: { t: { firstFrame?: number } } }).__bench.t.firstFrame,
        null,
        {
          timeout: 30_000,
        },
      );
      if (stopProfile) profiles.push(await stopProfile());
      const caller = await page.evaluate(
        () => (window as unknown as { __bench: { t: Record<string, number> } }).__bench.t,
      );
      const con = await officer.page.evaluate(
        () => (window as unknown as { __bench: { t: Record<string, number> } }).__bench.t,
      );
      const t = { ...caller, ...con };
      const rel = (k: string) => (t[k] ?? Number.NaN) - t.click!;
      runs.push({
        total: rel('firstFrame'),
        getUserMedia: rel('gum'),
        signallingSdp: (t.answer ?? Number.NaN) - (t.gum ?? Number.NaN),
        // The same span split: the page's offer, the server and Janus, the page taking the answer.
        callerOffer: (t.offerSent ?? Number.NaN) - (t.gum ?? Number.NaN),
        callerBeforeOffer: (t.createOffer ?? Number.NaN) - (t.gum ?? Number.NaN),
        callerCreateOffer: (t.offer ?? Number.NaN) - (t.createOffer ?? Number.NaN),
        serverPublish: (t.answerReceived ?? Number.NaN) - (t.offerSent ?? Number.NaN),
        ice: (t.iceConnected ?? Number.NaN) - (t.answer ?? Number.NaN),
        dtls: (t.connected ?? Number.NaN) - (t.iceConnected ?? Number.NaN),
        serverNotice: (t.viewRequested ?? Number.NaN) - (t.connected ?? Number.NaN),
        viewerSdp: (t.viewOffer ?? Number.NaN) - (t.viewRequested ?? Number.NaN),
        // viewerSdp split: the server's share (view.start sent → view.offer arrives) and the console's.
        serverSubscribe: (t.viewOfferReceived ?? Number.NaN) - (t.viewRequested ?? Number.NaN),
        viewerAnswer: (t.viewAnswered ?? Number.NaN) - (t.viewOffer ?? Number.NaN),
        viewerCreateAnswer: (t.viewAnswerCreated ?? Number.NaN) - (t.viewOffer ?? Number.NaN),
        viewerIce: (t.viewIceConnected ?? Number.NaN) - (t.viewAnswered ?? Number.NaN),
        viewerDtls: (t.viewConnected ?? Number.NaN) - (t.viewIceConnected ?? Number.NaN),
        firstFrameAfterConnect: (t.firstFrame ?? Number.NaN) - (t.viewConnected ?? Number.NaN),
      });
      await endSession(api, sessionId);
      await phone.close();
      // The ended call's ingest (remux, hashing) must not land in the next call's measurement.
      await evidenceSettled(api, sessionId);
      // Interleaved with each Sightline run: the same browser's direct call, as the host is now.
      direct.push(await directFirstFrame(browser, server.url));
      process.stdout.write(
        `  ttff run ${i + 1}/${RUNS}: ${Math.round(runs.at(-1)!.total!)} ms (direct ${Math.round(direct.at(-1)!.total!)} ms)\n`,
      );
    }
    await officer.context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
  if (PROFILE_DIR) printProfiles(profiles);
  const totals = runs.map((r) => r.total!);
  const s = summarise(totals);
  const phaseNames = Object.keys(runs[0] ?? {}).filter((k) => k !== 'total');
  const phases = Object.fromEntries(
    phaseNames.map((k) => [k, { p50_ms: round(median(runs.map((r) => r[k]!))) }]),
  );
  const d = summarise(direct.map((r) => r.total!));
  const directPhases = Object.fromEntries(
    Object.keys(direct[0] ?? {})
      .filter((k) => k !== 'total')
      .map((k) => [k, { p50_ms: round(median(direct.map((r) => r[k]!))) }]),
  );
  // Each run against the direct call made right after it: the host's speed cancels out.
  const ratio = round(median(runs.map((r, i) => r.total! / direct[i]!.total!)), 2);
  return {
    name: 'ttff',
    json: {
      p50_ms: s.p50,
      p90_ms: s.p90,
      max_ms: s.max,
      runs: runs.length,
      phases,
      samples_ms: totals.map((v) => round(v)),
      direct: {
        p50_ms: d.p50,
        p90_ms: d.p90,
        phases: directPhases,
        samples_ms: direct.map((r) => round(r.total!)),
      },
      ttff_over_direct_median: ratio,
      method:
        'Start tap (capturing click listener) to first requestVideoFrameCallback on the console <video>; see docs/performance.md',
    },
    rows: [
      {
        metric: 'ttff p50',
        value: `${s.p50} ms`,
        target: `≤ ${TARGET_P50_MS} ms`,
        pass: (s.p50 ?? Infinity) <= TARGET_P50_MS,
      },
      {
        metric: 'ttff p90',
        value: `${s.p90} ms (max ${s.max} ms; ${runs.length} runs)`,
        target: `≤ ${TARGET_P90_MS} ms`,
        pass: (s.p90 ?? Infinity) <= TARGET_P90_MS,
      },
      {
        metric:
          'ttff floor: the same browser, two connections in one page, no server or signalling (interleaved)',
        value: `p50 ${d.p50} ms, p90 ${d.p90} ms (${Object.entries(directPhases)
          .map(([k, v]) => `${k} ${v.p50_ms}`)
          .join(', ')}); ttff / direct, median of the pairs: ${ratio}`,
      },
      {
        metric: 'ttff phases (p50)',
        value: phaseNames.map((k) => `${k} ${phases[k]!.p50_ms}`).join(', '),
      },
    ],
  };
}

/** Where the console's main thread spent the runs: busy time, and the functions summed over all runs. */
function printProfiles(profiles: ProfileSummary[]): void {
  const busy = profiles.map((p) => p.busyMs);
  process.stdout.write(
    `  console main thread busy (tap → first frame): p50 ${median(busy)} ms of p50 ${median(profiles.map((p) => p.spanMs))} ms\n`,
  );
  const sum = new Map<string, number>();
  for (const p of profiles) for (const f of p.top) sum.set(f.name, (sum.get(f.name) ?? 0) + f.selfMs);
  for (const [name, ms] of [...sum].sort((a, b) => b[1] - a[1]).slice(0, 25))
    process.stdout.write(`    ${(ms / profiles.length).toFixed(1).padStart(6)} ms/run  ${name}\n`);
}
