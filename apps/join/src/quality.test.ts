import { describe, expect, it } from 'vitest';
import { levelFor, QualityTracker } from './quality.js';

describe('quality', () => {
  it('maps bandwidth and loss to a level', () => {
    expect(levelFor({ kbps: 2000, loss: 0 })).toBe('good');
    expect(levelFor({ kbps: 800, loss: 0 })).toBe('fair');
    expect(levelFor({ kbps: 300, loss: 0 })).toBe('poor');
    expect(levelFor({ kbps: 120, loss: 0 })).toBe('stills');
    expect(levelFor({ kbps: 2000, loss: 0.2 })).toBe('stills');
  });

  it('goes to stills only when the link stays thin, and tries video again later', () => {
    const q = new QualityTracker();
    const thin = { kbps: 100, loss: 0 };
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
    for (let i = 0; i < 3; i++) q.push({ kbps: 100, loss: 0 });
    expect(q.push({ kbps: 900, loss: 0 })).toBe('fair');
    expect(q.stills).toBe(false);
    expect(q.push({ kbps: 2500, loss: 0 })).toBe('good');
  });
});
