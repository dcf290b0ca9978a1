import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Stack } from './capacity-stacks.js';
import { frameDelaySummary } from './frame-delay.js';
import { meter } from './proc.js';
import { childrenNamed, treeMeter } from './proc-tree.js';

/** What one stack did over one measuring window. */
export interface Half {
  stack: Stack['name'];
  sessions: number;
  /** CPU-s/s: Janus alone; the Sightline server's tree less its Janus (0 for bare Janus). */
  janus: number;
  server: number;
  janusPeakRssMb: number;
  serverPeakRssMb: number | null;
  viewerKbps: number;
  lost: number;
  received: number;
  lossPct: number;
  /** Extra delay of whole video frames at the viewers, ms above the window's fastest frame. */
  frameDelay: ReturnType<typeof frameDelaySummary>;
  /** The load generator: this process (werift peers) and the ffmpeg that plays the clip. */
  generatorCpu: number;
  sourceCpu: number;
  /** How late this process's timers ran (p99, ms): a saturated generator shows here first. */
  eventLoopP99Ms: number;
  busyCores: number;
  /** Busy time no measured process accounts for: other work on a shared machine. */
  otherCores: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

/**
 * One half of a pair: `stack` carries the load, every other stack stays connected but idle.
 * The same warm-up and window for every half, so both are measured on the same footing.
 */
export async function measureHalf(stack: Stack, o: { warmupMs: number; windowMs: number }): Promise<Half> {
  stack.carry(true);
  await sleep(o.warmupMs);
  const pids = stack.pids();
  const [source] = childrenNamed(process.pid, 'ffmpeg');
  const roots: Record<string, number> = { ...pids, ...(source ? { source } : {}) };
  for (const v of stack.viewers) v.rebase();
  const before = stack.viewers.map((v) => v.snapshot());
  loop.reset();
  const rss = meter(pids);
  const cpu = treeMeter(roots);
  await sleep(o.windowMs);
  const w = cpu.stop();
  const mem = rss.stop().processes;
  const frameDelay = frameDelaySummary(stack.viewers);
  const after = stack.viewers.map((v) => v.snapshot());
  stack.carry(false);
  const janus = w.cpu.janus!;
  // The server's tree contains its Janus (and any helper it runs); its own share is the rest.
  const server = pids.server ? w.cpu.server! - janus : 0;
  const generatorCpu = w.cpu.generator!;
  const sourceCpu = w.cpu.source ?? 0;
  const lost = after.reduce((s, a, i) => s + a.lost - before[i]!.lost, 0);
  const received = after.reduce((s, a, i) => s + a.packets - before[i]!.packets, 0);
  const kbps = after.map((a, i) => ((a.bytes - before[i]!.bytes) * 8) / w.seconds / 1000);
  return {
    stack: stack.name,
    sessions: stack.sessions,
    janus,
    server,
    janusPeakRssMb: mem.janus!.peakRssMb,
    serverPeakRssMb: mem.server?.peakRssMb ?? null,
    viewerKbps: kbps.reduce((a, b) => a + b, 0) / Math.max(1, kbps.length),
    lost,
    received,
    lossPct: (100 * lost) / Math.max(1, received + lost),
    frameDelay,
    generatorCpu,
    sourceCpu,
    eventLoopP99Ms: loop.percentile(99) / 1e6,
    busyCores: w.machine.busyCores,
    otherCores: w.machine.busyCores - (janus + server + generatorCpu + sourceCpu),
  };
}

/** One line per half on stdout, so a long run shows its progress. */
export function printHalf(h: Half): void {
  const cpu =
    h.stack === 'bare' ? `bare Janus ${pct(h.janus)}` : `Janus ${pct(h.janus)} + server ${pct(h.server)}`;
  process.stdout.write(
    `    ${h.sessions} ${h.stack}: ${cpu}; viewer ${h.viewerKbps.toFixed(0)} kbit/s, loss ${h.lossPct.toFixed(2)}%, ` +
      `frame delay p95 ${h.frameDelay.p95.toFixed(0)} ms; generator ${pct(h.generatorCpu)} (loop p99 ` +
      `${h.eventLoopP99Ms.toFixed(0)} ms), machine ${h.busyCores.toFixed(2)} cores busy\n`,
  );
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
