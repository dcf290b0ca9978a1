import { describe, expect, it } from 'vitest';
import { fix } from '../testing/fixtures.js';
import {
  appendFix,
  fitResumed,
  fitStep,
  fitUserMoved,
  initialFit,
  initialFollow,
  MAX_DRAWN_VERTICES,
  MAX_TRAIL_POINTS,
  mergeTrack,
  onFix,
  onResume,
  onUserMoved,
  trailLatLngs,
} from './map-state.js';

describe('track', () => {
  it('appends in order and drops an exact duplicate', () => {
    const a = fix(51.5, -0.1, 1000);
    const b = fix(51.501, -0.1, 2000);
    let t = appendFix([], a);
    t = appendFix(t, b);
    t = appendFix(t, b);
    expect(t).toEqual([a, b]);
  });

  it('puts a late fix in its place', () => {
    const t = appendFix([fix(1, 1, 1000), fix(3, 3, 3000)], fix(2, 2, 2000));
    expect(t.map((f) => f.lat)).toEqual([1, 2, 3]);
  });

  it('merges a reloaded track with live fixes without doubling them', () => {
    const shared = fix(1, 1, 1000);
    const merged = mergeTrack([shared, fix(2, 2, 2000)], [shared, fix(3, 3, 3000)]);
    expect(merged.map((f) => f.lat)).toEqual([1, 2, 3]);
  });

  it('keeps only the most recent points', () => {
    const many = Array.from({ length: MAX_TRAIL_POINTS + 10 }, (_, i) => fix(50 + i * 1e-5, 0, i + 1));
    const t = mergeTrack(many, []);
    expect(t).toHaveLength(MAX_TRAIL_POINTS);
    expect(t[0]?.receivedAt).toBe(11);
  });

  it('draws a six-hour track (a fix a second) with a bounded line whose ends are the exact first and newest fixes', () => {
    const n = 6 * 3600;
    const at = (i: number) =>
      fix(51.5 + i * 2e-6 + Math.sin(i / 400) * 1e-3, -0.12 + Math.cos(i / 250) * 1e-3, i + 1);
    // Loaded as a reload would, then the newest arriving live.
    let track = mergeTrack(
      Array.from({ length: n - 2 }, (_, i) => at(i)),
      [],
    );
    track = appendFix(appendFix(track, at(n - 2)), at(n - 1));
    expect(track).toHaveLength(n);
    const drawn = trailLatLngs(track);
    expect(drawn.length).toBe(MAX_DRAWN_VERTICES);
    const newest = track[n - 1]!;
    expect(drawn[drawn.length - 1]).toEqual([newest.lat, newest.lon]);
    expect(drawn[0]).toEqual([track[0]!.lat, track[0]!.lon]);
  });

  it('leaves very vague fixes and repeats out of the drawn trail', () => {
    const pts = trailLatLngs([fix(1, 1, 1), fix(1, 1, 2), fix(5, 5, 3, { accuracy: 4000 }), fix(2, 2, 4)]);
    expect(pts).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });
});

describe('follow', () => {
  it('zooms on the first fix, then only pans', () => {
    const first = onFix(initialFollow, fix(51.5, -0.1, 1, { accuracy: 20 }));
    expect(first.move).toEqual({ kind: 'pan', lat: 51.5, lon: -0.1, zoom: 17 });
    const second = onFix(first.state, fix(51.6, -0.1, 2));
    expect(second.move).toEqual({ kind: 'pan', lat: 51.6, lon: -0.1, zoom: null });
  });

  it('stops following once the officer pans, until they resume', () => {
    const moved = onUserMoved(onFix(initialFollow, fix(51.5, -0.1, 1)).state);
    expect(onFix(moved, fix(51.6, -0.1, 2)).move.kind).toBe('none');
    const resumed = onResume(moved, fix(51.7, -0.1, 3));
    expect(resumed.state.following).toBe(true);
    expect(resumed.move).toEqual({ kind: 'pan', lat: 51.7, lon: -0.1, zoom: null });
  });
});

describe('framing several positions', () => {
  const at = (key: string, inView = true) => ({ key, inView });

  it('fits once, again when someone new appears, and not on every fix', () => {
    let step = fitStep(initialFit, [at('caller:a')]);
    expect(step.fit).toBe(true);
    step = fitStep(step.state, [at('caller:a')]);
    expect(step.fit).toBe(false);
    step = fitStep(step.state, [at('caller:a'), at('officer:o1')]);
    expect(step.fit).toBe(true);
  });

  it('never fits after the officer panned or zoomed, until they ask', () => {
    let state = fitStep(initialFit, [at('caller:a')]).state;
    state = fitUserMoved(state);
    let step = fitStep(state, [at('caller:a', false), at('caller:b')], true);
    expect(step.fit).toBe(false);
    step = fitStep(fitResumed(step.state), [at('caller:a'), at('caller:b')]);
    expect(step.fit).toBe(true);
  });

  it('refits when one of them leaves the view, only where asked to (the field map)', () => {
    const state = fitStep(initialFit, [at('caller'), at('me')]).state;
    expect(fitStep(state, [at('caller'), at('me', false)], true).fit).toBe(true);
    expect(fitStep(state, [at('caller'), at('me', false)], false).fit).toBe(false);
    expect(fitStep(state, [at('caller'), at('me')], true).fit).toBe(false);
  });
});
