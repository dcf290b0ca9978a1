import { describe, expect, it } from 'vitest';
import { levelFor, QualityTracker, sampleReport, stepFor } from './quality.js';

describe('quality', () => {
  it('maps bandwidth and loss to a level', () => {
    expect(levelFor({ kbps: 2000, loss: 0, bandwidthLimited: true })).toBe('good');
    expect(levelFor({ kbps: 800, loss: 0, bandwidthLimited: true })).toBe('fair');
    expect(levelFor({ kbps: 300, loss: 0, bandwidthLimited: true })).toBe('poor');
    expect(levelFor({ kbps: 120, loss: 0, bandwidthLimited: true })).toBe('stills');
    expect(levelFor({ kbps: 2000, loss: 0.2, bandwidthLimited: true })).toBe('stills');
  });

  it('degrades in steps: frame rate held, then frame rate given up, then stills', () => {
    expect(['good', 'fair', 'poor', 'stills'].map((l) => stepFor(l as 'good'))).toEqual([
      'smooth',
      'smooth',
      'low',
      'stills',
    ]);
  });

  it('does not read a low estimate as a weak link when the encoder is not short of bandwidth', () => {
    // A still scene on a fast link: little is sent, so the estimate stays low.
    expect(levelFor({ kbps: 280, loss: 0, bandwidthLimited: false })).toBe('good');
    expect(levelFor({ kbps: 280, loss: 0.05, bandwidthLimited: false })).toBe('fair');
    expect(levelFor({ kbps: 280, loss: 0.1, bandwidthLimited: false })).toBe('poor');
    const q = new QualityTracker();
    for (let i = 0; i < 5; i++) q.push({ kbps: 100, loss: 0, bandwidthLimited: false });
    expect(q.stills).toBe(false);
    expect(q.level).toBe('good');
  });

  it('stays in stills while the estimate stays thin, even though stills never hold the encoder back', () => {
    const q = new QualityTracker();
    for (let i = 0; i < 3; i++) q.push({ kbps: 100, loss: 0, bandwidthLimited: true });
    expect(q.stills).toBe(true);
    q.push({ kbps: 110, loss: 0, bandwidthLimited: false });
    expect(q.stills).toBe(true);
  });

  it('goes to stills only when the link stays thin, and tries video again later', () => {
    const q = new QualityTracker();
    const thin = { kbps: 100, loss: 0, bandwidthLimited: true };
    expect(q.push(thin)).toBe('poor');
    expect(q.push(thin)).toBe('poor');
    expect(q.push(thin)).toBe('stills');
    expect(q.stills).toBe(true);
    for (let i = 0; i < 9; i++) q.push(thin);
    expect(q.stills).toBe(true);
    q.push(thin); // the tenth reading in stills: try moving video again
    expect(q.stills).toBe(false);
  });

  it('leaves stills at once when the link recovers, and reports fair and good as they come', () => {
    const q = new QualityTracker();
    for (let i = 0; i < 3; i++) q.push({ kbps: 100, loss: 0, bandwidthLimited: true });
    expect(q.push({ kbps: 900, loss: 0, bandwidthLimited: true })).toBe('fair');
    expect(q.stills).toBe(false);
    expect(q.push({ kbps: 2500, loss: 0, bandwidthLimited: true })).toBe('good');
  });

  describe('reading getStats', () => {
    const pair = (bytesSent: number, timestamp: number, extra: Record<string, unknown> = {}) => ({
      type: 'candidate-pair',
      state: 'succeeded',
      selected: true,
      bytesSent,
      timestamp,
      ...extra,
    });
    const lost = (fractionLost: number) => ({ type: 'remote-inbound-rtp', kind: 'video', fractionLost });

    it('uses the browser’s estimate where it gives one (Chromium, WebKit)', () => {
      const { sample } = sampleReport(
        [
          pair(1_000, 1_000, { availableOutgoingBitrate: 2_400_000, nominated: true }),
          { type: 'outbound-rtp', kind: 'video', qualityLimitationReason: 'bandwidth' },
          lost(0.01),
        ],
        null,
      );
      expect(sample).toEqual({ kbps: 2400, loss: 0.01, bandwidthLimited: true });
    });

    it('in Gecko (no estimate) measures the rate sent between samples and judges by loss', () => {
      const first = sampleReport([pair(100_000, 10_000), lost(0)], null);
      expect(first.sample).toBeNull(); // nothing to compare with yet
      // 250 000 bytes in 2 s = 1000 kbit/s.
      const second = sampleReport([pair(350_000, 12_000), lost(0.2)], first.mark);
      expect(second.sample).toEqual({ kbps: 1000, loss: 0.2, bandwidthLimited: false });
      expect(levelFor(second.sample!)).toBe('stills');
      const clean = sampleReport([pair(600_000, 14_000), lost(0)], second.mark);
      expect(levelFor(clean.sample!)).toBe('good');
    });

    it('a new connection (bytes start again) gives no sample rather than a negative rate', () => {
      const { sample } = sampleReport([pair(5_000, 20_000)], { bytes: 900_000, at: 18_000 });
      expect(sample).toBeNull();
    });
  });
});
