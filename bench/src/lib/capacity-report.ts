import { cpus } from 'node:os';
import type { Half } from './capacity-window.js';
import type { SummaryRow } from './results.js';
import { median, percentile, round } from './stats.js';

export const TARGET_OVERHEAD = 1.03;
/** Viewers notice loss above this share of packets… */
export const LOSS_LIMIT_PCT = 0.5;
/** …or frames a whole frame interval (30 fps) later than at the lightest load. */
export const DELAY_RISE_MS = 33;
/**
 * The generator may be the limit when its process uses this much of a core (for werift, its
 * one thread is then full), or when its own timers run a frame interval later than at the
 * lightest load: frame delay is read on that same thread, so it cannot then be told apart.
 */
const GENERATOR_BUSY = 0.85;

export interface PairedLevel {
  sessions: number;
  sightline: Half[];
  bare: Half[];
  ratios: number[];
  json: Record<string, unknown>;
}

export interface SoloLevel {
  sessions: number;
  half: Half;
  json?: Record<string, unknown>;
}

const med = (hs: Half[], f: (h: Half) => number) => median(hs.map(f));
const pooledLoss = (hs: Half[]) => {
  const lost = hs.reduce((s, h) => s + h.lost, 0);
  return (100 * lost) / Math.max(1, lost + hs.reduce((s, h) => s + h.received, 0));
};

/** The load-generator and machine readings of some halves, as JSON. */
function loadJson(hs: Half[]) {
  return {
    generator_cpu_s_per_s: round(
      med(hs, (h) => h.generatorCpu),
      3,
    ),
    source_cpu_s_per_s: round(
      med(hs, (h) => h.sourceCpu),
      3,
    ),
    generator_event_loop_p99_ms: round(med(hs, (h) => h.eventLoopP99Ms)),
    machine_busy_cores: round(
      med(hs, (h) => h.busyCores),
      2,
    ),
    other_work_cores: round(
      med(hs, (h) => h.otherCores),
      2,
    ),
  };
}

/** Pairs → the level's medians, spread and the old fields (now medians over the halves). */
export function levelOf(n: number, halves: Array<{ bare: Half; sightline: Half }>): PairedLevel {
  const s = halves.map((h) => h.sightline);
  const b = halves.map((h) => h.bare);
  const ratios = halves.map((h) => (h.sightline.janus + h.sightline.server) / h.bare.janus);
  // Janus against Janus, the server left out: splits the overhead into Janus's and the server's.
  const janusRatios = halves.map((h) => h.sightline.janus / h.bare.janus);
  const json = {
    sessions: n,
    janus_cpu_s_per_s: round(
      med(s, (h) => h.janus),
      4,
    ),
    server_cpu_s_per_s: round(
      med(s, (h) => h.server),
      4,
    ),
    janus_peak_rss_mb: round(Math.max(...s.map((h) => h.janusPeakRssMb))),
    server_peak_rss_mb: round(Math.max(...s.map((h) => h.serverPeakRssMb ?? 0))),
    viewer_kbps: round(med(s, (h) => h.viewerKbps)),
    viewer_loss_pct: round(pooledLoss(s), 3),
    frame_delay_p95_ms: round(med(s, (h) => h.frameDelay.p95)),
    frame_delay_p99_ms: round(med(s, (h) => h.frameDelay.p99)),
    jitter_ms: round(
      med(s, (h) => h.frameDelay.jitterMs),
      2,
    ),
    bare_janus_cpu_s_per_s: round(
      med(b, (h) => h.janus),
      4,
    ),
    bare_janus_peak_rss_mb: round(Math.max(...b.map((h) => h.janusPeakRssMb))),
    bare_viewer_kbps: round(med(b, (h) => h.viewerKbps)),
    bare_viewer_loss_pct: round(pooledLoss(b), 3),
    bare_frame_delay_p95_ms: round(med(b, (h) => h.frameDelay.p95)),
    overhead_ratio: round(median(ratios), 3),
    overhead_ratio_min: round(Math.min(...ratios), 3),
    overhead_ratio_max: round(Math.max(...ratios), 3),
    overhead_ratio_iqr: [round(percentile(ratios, 25), 3), round(percentile(ratios, 75), 3)],
    overhead_ratios: ratios.map((r) => round(r, 3)),
    janus_only_ratio: round(median(janusRatios), 3),
    load: loadJson(s),
    bare_load: loadJson(b),
  };
  return { sessions: n, sightline: s, bare: b, ratios, json };
}

export interface Knee {
  sessions: number;
  why: string;
  stackCpu: number;
  sessionsPerCore: number;
  limits: string[];
  json: Record<string, unknown>;
}

/** Sightline's readings at one load: the medians of its halves, or its one window. */
function reading(l: PairedLevel | SoloLevel) {
  const hs = 'half' in l ? [l.half] : l.sightline;
  return {
    sessions: l.sessions,
    loss: pooledLoss(hs),
    delayP95: med(hs, (h) => h.frameDelay.p95),
    stackCpu: med(hs, (h) => h.janus + h.server),
    generator: med(hs, (h) => h.generatorCpu),
    loopP99: med(hs, (h) => h.eventLoopP99Ms),
    busy: med(hs, (h) => h.busyCores),
    hs,
  };
}

/** What had run out at a load: the generator, the machine's cores, or neither. */
function limitsAt(r: ReturnType<typeof reading>, base: ReturnType<typeof reading>): string[] {
  const out: string[] = [];
  if (r.generator >= GENERATOR_BUSY || r.loopP99 >= base.loopP99 + DELAY_RISE_MS)
    out.push(
      `load generator (its process ${(r.generator * 100).toFixed(0)}% of a core; its timers late by ` +
        `${r.loopP99.toFixed(0)} ms at p99 against ${base.loopP99.toFixed(0)} ms at N=${base.sessions})`,
    );
  const cores = cpus().length;
  if (r.busy >= 0.9 * cores) out.push(`machine (${r.busy.toFixed(2)} of ${cores} cores busy)`);
  if (out.length === 0) out.push('neither the generator nor the whole machine: Janus or the server');
  return out;
}

/** The first load at which Sightline's viewers lose packets or frames arrive later than at the lightest load. */
export function kneeOf(baseline: PairedLevel, paired: PairedLevel[], solo: SoloLevel[]): Knee | null {
  const base = reading(baseline);
  for (const l of [...paired, ...solo]) {
    const r = reading(l);
    const why: string[] = [];
    if (r.loss > LOSS_LIMIT_PCT) why.push(`viewer loss ${r.loss.toFixed(2)}% > ${LOSS_LIMIT_PCT}%`);
    if (r.delayP95 > base.delayP95 + DELAY_RISE_MS)
      why.push(
        `frame delay p95 ${r.delayP95.toFixed(0)} ms > ${base.delayP95.toFixed(0)} + ${DELAY_RISE_MS} ms (N=${base.sessions})`,
      );
    if (why.length === 0) continue;
    const limits = limitsAt(r, base);
    const sessionsPerCore = r.sessions / r.stackCpu;
    return {
      sessions: r.sessions,
      why: why.join('; '),
      stackCpu: r.stackCpu,
      sessionsPerCore,
      limits,
      json: {
        sessions: r.sessions,
        why: why.join('; '),
        janus_plus_server_cpu_s_per_s: round(r.stackCpu, 3),
        sessions_per_core: round(sessionsPerCore, 1),
        limits,
        ...loadJson(r.hs),
      },
    };
  }
  return null;
}

/** The summary rows, and the top-level JSON fields that go with them. */
export function rowsOf(
  paired: PairedLevel[],
  solo: SoloLevel[],
  knee: Knee | null,
  setupFailure: { sessions: number; error: string } | null,
) {
  for (const l of solo) l.json ??= soloJson(l);
  const top = paired.at(-1)!;
  const t = top.json as {
    janus_only_ratio: number;
    janus_cpu_s_per_s: number;
    server_cpu_s_per_s: number;
    bare_janus_cpu_s_per_s: number;
    overhead_ratio: number;
    overhead_ratio_min: number;
    overhead_ratio_max: number;
    overhead_ratio_iqr: number[];
  };
  const spread = (l: PairedLevel) => {
    const j = l.json as {
      overhead_ratio_min: number;
      overhead_ratio_max: number;
      overhead_ratio_iqr: number[];
    };
    return `min–max ${j.overhead_ratio_min}–${j.overhead_ratio_max}, IQR ${j.overhead_ratio_iqr.join('–')}`;
  };
  const perSession = (t.janus_cpu_s_per_s + t.server_cpu_s_per_s) / top.sessions;
  const last = reading(solo.at(-1) ?? top);
  const base = reading(paired[0]!);
  const rows: SummaryRow[] = [
    {
      metric: `overhead ratio at ${top.sessions} sessions (median of ${top.ratios.length} interleaved pairs)`,
      value: `${t.overhead_ratio} (${spread(top)}); medians: Janus ${t.janus_cpu_s_per_s} + server ${t.server_cpu_s_per_s} vs bare Janus ${t.bare_janus_cpu_s_per_s} CPU-s/s; Janus alone ${t.janus_only_ratio}`,
      target: `≤ ${TARGET_OVERHEAD}`,
      pass: t.overhead_ratio <= TARGET_OVERHEAD,
    },
    {
      metric: 'overhead ratio by load',
      value: paired
        .map(
          (l) => `N=${l.sessions}: ${(l.json as { overhead_ratio: number }).overhead_ratio} (${spread(l)})`,
        )
        .join('; '),
    },
    {
      metric: `CPU per session (Janus + server) at ${top.sessions}`,
      value: `${(perSession * 100).toFixed(2)}% of a core → about ${Math.floor(1 / perSession)} sessions per core (2 viewers each, recording on; linear projection)`,
    },
    {
      metric: 'knee: first load where viewer loss or frame delay rises',
      value: knee
        ? `N=${knee.sessions}: ${knee.why}; limit: ${knee.limits.join('; ')}`
        : setupFailure
          ? `N=${setupFailure.sessions}: sessions could not be set up (${setupFailure.error})`
          : `not reached up to N=${last.sessions} (loss ${last.loss.toFixed(2)}%, frame delay p95 ${last.delayP95.toFixed(0)} ms; ${limitsAt(last, base).join('; ')})`,
    },
    {
      metric: 'sessions per core at the knee (N / CPU of Janus + server there)',
      value: knee
        ? `${knee.sessionsPerCore.toFixed(1)} (N=${knee.sessions}, Janus + server ${knee.stackCpu.toFixed(3)} CPU-s/s)`
        : `no knee found; at N=${last.sessions}: ${(last.sessions / last.stackCpu).toFixed(1)} (Janus + server ${last.stackCpu.toFixed(3)} CPU-s/s)`,
    },
    {
      metric: 'viewer received / loss / frame delay p95',
      value: [...paired.map((l) => l.json), ...solo.map((l) => l.json!)]
        .map(
          (j) =>
            `N=${j.sessions}: ${j.viewer_kbps} kbit/s, ${j.viewer_loss_pct}%, ${j.frame_delay_p95_ms} ms`,
        )
        .join('; '),
    },
  ];
  return {
    rows,
    json: {
      overhead_ratio: t.overhead_ratio,
      overhead_ratio_spread: {
        min: t.overhead_ratio_min,
        max: t.overhead_ratio_max,
        iqr: t.overhead_ratio_iqr,
      },
      cpu_per_session_core_fraction: round(perSession, 5),
      sessions_per_core_projected: Math.floor(1 / perSession),
      sessions_per_core_at_knee: knee ? round(knee.sessionsPerCore, 1) : null,
      knee_rule: `viewer loss > ${LOSS_LIMIT_PCT}% or frame delay p95 > the lightest load's + ${DELAY_RISE_MS} ms`,
    },
  };
}

function soloJson(l: SoloLevel): Record<string, unknown> {
  const h = l.half;
  return {
    sessions: l.sessions,
    janus_cpu_s_per_s: round(h.janus, 4),
    server_cpu_s_per_s: round(h.server, 4),
    janus_peak_rss_mb: round(h.janusPeakRssMb),
    server_peak_rss_mb: round(h.serverPeakRssMb ?? 0),
    viewer_kbps: round(h.viewerKbps),
    viewer_loss_pct: round(h.lossPct, 3),
    frame_delay_p95_ms: round(h.frameDelay.p95),
    frame_delay_p99_ms: round(h.frameDelay.p99),
    jitter_ms: round(h.frameDelay.jitterMs, 2),
    load: loadJson([h]),
  };
}
