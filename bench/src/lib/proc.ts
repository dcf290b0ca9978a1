import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces; fields after the closing paren are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** The pid of a direct child with this command name (e.g. the server's Janus). */
export function childPid(parent: number, name: string): number {
  const out = execFileSync('pgrep', ['-P', String(parent), '-x', name])
    .toString()
    .trim();
  const pid = Number(out.split('\n')[0]);
  if (!pid) throw new Error(`no ${name} child of ${parent}`);
  return pid;
}

/**
 * Measures processes over a window: CPU seconds per wall second, and peak RSS
 * sampled every 250 ms. Call stop() to end the window.
 */
export function meter(pids: Record<string, number>) {
  const start = Date.now();
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const peak: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const sample = () => {
    for (const [k, pid] of Object.entries(pids)) peak[k] = Math.max(peak[k]!, rssBytes(pid));
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const seconds = (Date.now() - start) / 1000;
      const out: Record<string, { cpuPerSecond: number; peakRssMb: number }> = {};
      for (const [k, pid] of Object.entries(pids)) {
        out[k] = { cpuPerSecond: (cpuSeconds(pid) - cpu0[k]!) / seconds, peakRssMb: peak[k]! / 1024 / 1024 };
      }
      return { seconds, processes: out };
    },
  };
}
