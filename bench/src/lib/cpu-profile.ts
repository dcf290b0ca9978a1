import { writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) of one function over the profile. */
export interface HotFunction {
  name: string;
  selfMs: number;
}

export interface ProfileSummary {
  /** The main thread's time not idle, in ms, over the profiled span. */
  busyMs: number;
  spanMs: number;
  top: HotFunction[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

/** Sums each function's self time: every sample's delta goes to the node it landed in. */
export function summariseProfile(p: CpuProfile, topN = 20): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const file = f.url.slice(f.url.lastIndexOf('/') + 1);
    const name = f.url ? `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}` : f.functionName;
    self.set(name, (self.get(name) ?? 0) + ms);
    if (!IDLE.has(f.functionName)) busy += ms;
  });
  const top = [...self]
    .filter(([name]) => !IDLE.has(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs * 10) / 10 }));
  return { busyMs: Math.round(busy), spanMs: Math.round((p.endTime - p.startTime) / 1000), top };
}

/**
 * Samples a page's main thread (V8's CPU profiler, over CDP, every 100 µs) until the returned
 * function is called; that writes the raw `.cpuprofile` (Chrome DevTools opens it) to `path`
 * and returns where the time went.
 */
export async function profilePage(page: Page, path: string): Promise<() => Promise<ProfileSummary>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    await cdp.detach();
    await writeFile(path, JSON.stringify(profile));
    return summariseProfile(profile);
  };
}
