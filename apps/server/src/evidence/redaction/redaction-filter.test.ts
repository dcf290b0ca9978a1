import { describe, expect, it } from 'vitest';
import { redactionFilter } from './redaction-filter.js';

describe('redactionFilter', () => {
  it('blurs each rectangle only in its time range, in even pixel coordinates', () => {
    const f = redactionFilter(
      { regions: [{ x: 0.25, y: 0.1, width: 0.3, height: 0.333, from: 1, to: 4.5 }], mute: [] },
      { width: 1280, height: 720 },
      true,
    );
    expect(f.graph).toContain('[0:v]split=2[base][src0]');
    expect(f.graph).toContain('[src0]crop=384:240:320:72,boxblur=');
    expect(f.graph).toContain("[base][blur0]overlay=320:72:enable='between(t,1.000,4.500)'[v0]");
    expect(f.videoOut).toBe('[v0]');
    expect(f.audioOut).toBe('0:a');
  });

  it('clamps rectangles at the frame edge and mutes audio ranges', () => {
    const f = redactionFilter(
      {
        regions: [{ x: 0.9, y: 0.9, width: 0.1, height: 0.1, from: 0, to: 1 }],
        mute: [
          { from: 2, to: 3 },
          { from: 5, to: 6 },
        ],
      },
      { width: 640, height: 360 },
      true,
    );
    expect(f.graph).toContain('crop=64:36:576:324');
    expect(f.graph).toContain("volume=volume=0:enable='between(t,2.000,3.000)+between(t,5.000,6.000)'[aout]");
    expect(f.audioOut).toBe('[aout]');
  });

  it('passes streams through untouched when there is nothing to do to them', () => {
    const f = redactionFilter(
      { regions: [], mute: [{ from: 0, to: 1 }] },
      { width: 640, height: 360 },
      false,
    );
    expect(f.videoOut).toBe('0:v');
    expect(f.audioOut).toBeNull();
    expect(f.graph).toBe('');
  });
});
