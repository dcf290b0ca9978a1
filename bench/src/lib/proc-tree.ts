import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { TICKS } from './proc.js';

interface Stat {
  pid: number;
  comm: string;
  ppid: number;
  /** Own user + system time plus that of its children it has reaped, in seconds. */
  cpu: number;
}

function readStat(pid: number): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' ');
    // After the comm: state ppid … utime(12) stime(13) cutime(14) cstime(15), counted from field 3.
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { pid, comm: s.slice(s.indexOf('(') + 1, close), ppid: Number(f[1]), cpu: ticks / TICKS };
  } catch {
    return null; // it exited between listing and reading
  }
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/**
 * CPU seconds a whole process tree has used: every live process in it, each with the time of
 * children it has already reaped (so short-lived helpers such as janus-pp-rec count, and so
 * do PostgreSQL's backends). A process that is reaped inside a window brings its whole
 * lifetime into its parent's count: a small overcount for helpers that live seconds.
 */
export function treeCpuSeconds(root: number, stats: Stat[] = allStats()): number {
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const rootStat = stats.find((s) => s.pid === root);
  if (!rootStat) return Number.NaN;
  let total = 0;
  const queue = [rootStat];
  while (queue.length) {
    const s = queue.pop()!;
    total += s.cpu;
    queue.push(...(children.get(s.pid) ?? []));
  }
  return total;
}

/** Pids of `parent`'s direct children named `comm` (e.g. the bench's own redis-server). */
export function childrenNamed(parent: number, comm: string): number[] {
  return allStats()
    .filter((s) => s.ppid === parent && s.comm === comm)
    .map((s) => s.pid);
}

/** The whole machine's CPU time from /proc/stat, in seconds summed over all cores. */
function machineTimes(): { busy: number; steal: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return {
    busy: (user + nice + system + irq + softirq) / TICKS,
    steal: steal / TICKS,
    total: total / TICKS,
  };
}

export interface TreeWindow {
  seconds: number;
  /**
   * CPU seconds per wall second for each named tree (1.0 = one core busy), plus `generator`:
   * this process alone (the load generator, and s3rver, which runs in it).
   */
  cpu: Record<string, number>;
  /**
   * The machine: cores busy (of `cores`); `otherCores`, busy time none of the measured
   * processes accounts for (other work on a shared machine); time the hypervisor gave to
   * other guests (steal).
   */
  machine: { cores: number; busyCores: number; otherCores: number; stealCores: number };
}

/** Measures named process trees, this process and the whole machine over a window; stop() ends it. */
export function treeMeter(roots: Record<string, number>) {
  const start = Date.now();
  const self0 = process.cpuUsage();
  const first = allStats();
  const cpu0 = Object.fromEntries(Object.entries(roots).map(([k, pid]) => [k, treeCpuSeconds(pid, first)]));
  const m0 = machineTimes();
  return {
    stop(): TreeWindow {
      const seconds = (Date.now() - start) / 1000;
      const last = allStats();
      const m1 = machineTimes();
      const cpu: Record<string, number> = {};
      for (const [k, pid] of Object.entries(roots)) cpu[k] = (treeCpuSeconds(pid, last) - cpu0[k]!) / seconds;
      const self = process.cpuUsage(self0);
      cpu.generator = (self.user + self.system) / 1e6 / seconds;
      const busyCores = (m1.busy - m0.busy) / seconds;
      return {
        seconds,
        cpu,
        machine: {
          cores: cpus().length,
          busyCores,
          otherCores: busyCores - Object.values(cpu).reduce((a, b) => a + b, 0),
          stealCores: (m1.steal - m0.steal) / seconds,
        },
      };
    },
  };
}

/**
 * Waits (up to `timeoutMs`) for a moment when other work on this shared machine uses under
 * `maxOtherCores`, so a measurement is not mostly someone else's build. Resolves with the
 * last reading either way: the result records it.
 */
export async function quietMachine(
  roots: Record<string, number>,
  o: { maxOtherCores: number; timeoutMs: number },
): Promise<number> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const m = treeMeter(roots);
    await new Promise((r) => setTimeout(r, 2_000));
    const other = m.stop().machine.otherCores;
    if (other < o.maxOtherCores || Date.now() > deadline) return other;
  }
}
