import { describe, expect, it } from 'vitest';
import { readVideoStats } from './video-stats.js';

const inbound = (t: number, bytes: number, frames: number, extra: Record<string, unknown> = {}) => ({
  type: 'inbound-rtp',
  kind: 'video',
  timestamp: t,
  bytesReceived: bytes,
  framesDecoded: frames,
  frameWidth: 1280,
  frameHeight: 720,
  ...extra,
});

describe('readVideoStats', () => {
  it('returns null when there is no inbound video yet', () => {
    expect(readVideoStats([{ type: 'inbound-rtp', kind: 'audio' }], null)).toBeNull();
  });

  it('gives resolution and frames at once, bitrate from the second reading', () => {
    const first = readVideoStats([inbound(1000, 10_000, 30)], null);
    expect(first?.stats).toEqual({
      width: 1280,
      height: 720,
      fps: null,
      bitrateBps: null,
      framesDecoded: 30,
    });
    const second = readVideoStats([inbound(2000, 135_000, 60)], first?.sample ?? null);
    expect(second?.stats.bitrateBps).toBe(1_000_000);
    expect(second?.stats.fps).toBe(30);
  });

  it("prefers the browser's own fps when it reports one", () => {
    const first = readVideoStats([inbound(1000, 0, 0)], null);
    const next = readVideoStats([inbound(2000, 1000, 25, { framesPerSecond: 24.6 })], first?.sample ?? null);
    expect(next?.stats.fps).toBe(25);
  });

  it('reports no rate when the counters restart', () => {
    const first = readVideoStats([inbound(1000, 900_000, 900)], null);
    const next = readVideoStats([inbound(2000, 1000, 10)], first?.sample ?? null);
    expect(next?.stats.bitrateBps).toBeNull();
    expect(next?.stats.framesDecoded).toBe(10);
  });
});
