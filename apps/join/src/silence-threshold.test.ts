import { describe, expect, it } from 'vitest';
import { SILENT_CALM_MS, SILENT_MAX_MS, SILENT_MS, SilenceThreshold } from './silence-threshold.js';

describe('SilenceThreshold', () => {
  it('starts at a second and stays there for a restart now and then', () => {
    let now = 0;
    const t = new SilenceThreshold(() => now);
    expect(t.ms).toBe(SILENT_MS);
    for (let i = 0; i < 3; i++) {
      t.restarted();
      expect(t.ms).toBe(SILENT_MS);
      now += SILENT_CALM_MS + 1;
    }
  });

  it('doubles while restarts follow each other (a quiet but healthy link), up to its cap', () => {
    let now = 0;
    const t = new SilenceThreshold(() => now);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      t.restarted();
      seen.push(t.ms);
      now += 2_000;
    }
    expect(seen).toEqual([1_000, 2_000, 4_000, 8_000, SILENT_MAX_MS, SILENT_MAX_MS]);
  });

  it('starts again from a second once restarts have calmed down', () => {
    let now = 0;
    const t = new SilenceThreshold(() => now);
    t.restarted();
    now += 1_000;
    t.restarted();
    expect(t.ms).toBe(2_000);
    now += SILENT_CALM_MS;
    t.restarted();
    expect(t.ms).toBe(SILENT_MS);
  });
});
