import { describe, expect, it } from 'vitest';
import { levelFor, QualityTracker, stepFor } from './quality.js';

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
});
