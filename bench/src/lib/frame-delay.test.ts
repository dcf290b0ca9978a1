import { describe, expect, it } from 'vitest';
import { frameDelaySummary, ViewerMeter } from './frame-delay.js';

/** A fake RTP packet with just the fields the meter reads. */
const pkt = (seq: number, timestamp: number, payloadType = 96) =>
  ({ header: { ssrc: 1, sequenceNumber: seq, timestamp, payloadType }, payload: Buffer.alloc(100) }) as never;

function feed(frames: Array<{ ts: number; at: number }>, start = 0) {
  let clock = 0;
  const m = new ViewerMeter(() => clock);
  let seq = 0;
  for (const f of frames) {
    clock = f.at;
    m.onPacket(pkt(seq++, (start + f.ts) >>> 0));
    m.onPacket(pkt(seq++, (start + f.ts) >>> 0));
  }
  return m;
}

describe('ViewerMeter', () => {
  it('reports how late each whole frame lands after the fastest one', () => {
    // Frames due every 33 ms (3000 ticks at 90 kHz); the third arrives 40 ms late.
    const m = feed([
      { ts: 0, at: 100 },
      { ts: 3000, at: 133.3 },
      { ts: 6000, at: 206.7 },
      { ts: 9000, at: 200 },
      { ts: 12000, at: 233.3 },
    ]);
    const d = m.frameDelays().map((x) => Math.round(x));
    expect(d).toEqual([0, 0, 40, 0]);
    expect(m.lost).toBe(0);
  });

  it('follows a timestamp that wraps past 2^32', () => {
    const m = feed(
      [
        { ts: 0, at: 0 },
        { ts: 3000, at: 33.3 },
        { ts: 6000, at: 66.7 },
        { ts: 9000, at: 100 },
      ],
      2 ** 32 - 4000,
    );
    expect(Math.max(...m.frameDelays())).toBeLessThan(1);
  });

  it('counts a sequence gap as loss, but not one across rebase()', () => {
    let clock = 0;
    const m = new ViewerMeter(() => clock++);
    m.onPacket(pkt(1, 0));
    m.onPacket(pkt(4, 0));
    expect(m.lost).toBe(2);
    m.rebase();
    m.onPacket(pkt(900, 90000));
    expect(m.lost).toBe(2);
  });

  it('summarises over viewers and ignores audio', () => {
    const a = feed([
      { ts: 0, at: 0 },
      { ts: 3000, at: 33.3 },
      { ts: 6000, at: 66.7 },
    ]);
    const b = new ViewerMeter(() => 0);
    b.onPacket(pkt(1, 5, 111));
    const s = frameDelaySummary([a, b]);
    expect(s.frames).toBe(2);
    expect(b.frameDelays()).toEqual([]);
  });
});
