import { describe, expect, it } from 'vitest';
import { steppedEncodings, videoEncodings } from './simulcast.js';

describe('the caller video layers', () => {
  it('publishes a full and a light layer, full first (Janus reads rids high-first and records the top)', () => {
    const e = videoEncodings(true, 'android');
    expect(e?.map((x) => x.rid)).toEqual(['h', 'l']);
    expect(e?.[0]?.scaleResolutionDownBy).toBe(1);
    expect(e?.[1]).toMatchObject({ scaleResolutionDownBy: 2, maxBitrate: 300_000 });
  });

  it('sends one layer from an iPhone (H264 in hardware) and when the server has simulcast off', () => {
    expect(videoEncodings(true, 'ios')).toBeUndefined();
    expect(videoEncodings(false, 'android')).toBeUndefined();
    expect(videoEncodings(false, 'other')).toBeUndefined();
  });

  it('a thin uplink shrinks the light layer and lowers the frame rate, and the full layer stays full size', () => {
    const layers = videoEncodings(true, 'other')!;
    const thin = steppedEncodings(layers, 'low');
    expect(thin[0]).toMatchObject({ rid: 'h', scaleResolutionDownBy: 1, maxFramerate: 15 });
    expect(thin[1]).toMatchObject({
      rid: 'l',
      scaleResolutionDownBy: 4,
      maxBitrate: 100_000,
      maxFramerate: 15,
    });
    const back = steppedEncodings(thin, 'smooth');
    expect(back[1]).toMatchObject({ scaleResolutionDownBy: 2, maxBitrate: 300_000, maxFramerate: 30 });
    expect(steppedEncodings(layers, 'stills').every((x) => x.maxFramerate === 1)).toBe(true);
  });

  it('a single encoding (no simulcast) keeps full size at every step', () => {
    const [one] = steppedEncodings([{ maxFramerate: 30 }], 'stills');
    expect(one).toEqual({ maxFramerate: 1, scaleResolutionDownBy: 1 });
  });
});
