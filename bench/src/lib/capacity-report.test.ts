import { describe, expect, it } from 'vitest';
import { kneeOf, levelOf, rowsOf } from './capacity-report.js';
import type { Half } from './capacity-window.js';

function half(o: Partial<Half> & Pick<Half, 'stack' | 'sessions'>): Half {
  return {
    janus: 0.1,
    server: 0,
    janusPeakRssMb: 30,
    serverPeakRssMb: null,
    viewerKbps: 1500,
    lost: 0,
    received: 1000,
    lossPct: 0,
    frameDelay: { frames: 100, p50: 5, p95: 20, p99: 25, jitterMs: 1 },
    generatorCpu: 0.2,
    sourceCpu: 0.01,
    eventLoopP99Ms: 11,
    busyCores: 0.5,
    otherCores: 0,
    ...o,
  };
}

const pairs = (n: number, ratios: number[], sightline: Partial<Half> = {}) =>
  levelOf(
    n,
    ratios.map((r) => ({
      bare: half({ stack: 'bare', sessions: n, janus: 0.1 }),
      sightline: half({ stack: 'sightline', sessions: n, janus: 0.1 * r, server: 0, ...sightline }),
    })),
  );

describe('capacity report', () => {
  it('gives the median ratio over pairs with its spread', () => {
    const l = pairs(16, [1.0, 1.2, 0.98, 1.02, 1.01]);
    expect(l.json.overhead_ratio).toBe(1.01);
    expect(l.json.overhead_ratio_min).toBe(0.98);
    expect(l.json.overhead_ratio_max).toBe(1.2);
    expect(l.json.overhead_ratio_iqr).toEqual([1, 1.02]);
  });

  it('finds no knee while loss and frame delay stay flat', () => {
    const levels = [pairs(1, [1]), pairs(16, [1])];
    expect(kneeOf(levels[0]!, levels, [])).toBeNull();
  });

  it('puts the knee at the first load whose frames arrive a frame interval later', () => {
    const levels = [pairs(1, [1]), pairs(16, [1])];
    const late = half({
      stack: 'sightline',
      sessions: 32,
      janus: 0.5,
      frameDelay: { frames: 1, p50: 5, p95: 60, p99: 90, jitterMs: 3 },
    });
    const knee = kneeOf(levels[0]!, levels, [
      { sessions: 24, half: half({ stack: 'sightline', sessions: 24 }) },
      { sessions: 32, half: late },
    ]);
    expect(knee?.sessions).toBe(32);
    expect(knee?.why).toMatch(/frame delay p95 60 ms/);
    expect(knee?.sessionsPerCore).toBeCloseTo(64);
    // Its timers ran as at the lightest load, so the delay is not the generator's.
    expect(knee?.limits.join()).toMatch(/neither/);
  });

  it('names the load generator when its timers run late, and counts loss as a knee', () => {
    // 11 ms at the lightest load + a frame interval (33 ms) = 44 ms: 46 ms is past it.
    const levels = [pairs(1, [1]), pairs(8, [1], { lost: 20, received: 980, eventLoopP99Ms: 46 })];
    const knee = kneeOf(levels[0]!, levels, []);
    expect(knee?.sessions).toBe(8);
    expect(knee?.why).toMatch(/viewer loss 2.00%/);
    expect(knee?.limits.join()).toMatch(/load generator/);
    const { rows } = rowsOf(levels, [], knee, null);
    expect(rows[0]!.pass).toBe(true);
  });
});
