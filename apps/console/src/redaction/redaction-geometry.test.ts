import { describe, expect, it } from 'vitest';
import {
  clampRect,
  contentBox,
  defaultSpan,
  fromPercentText,
  MIN_SIDE,
  nudge,
  parseSeconds,
  rangeError,
  rectFromDrag,
  toFraction,
  toPixels,
} from './redaction-geometry.js';

describe('contentBox', () => {
  it('letterboxes a 16:9 video in a square element (bars above and below)', () => {
    expect(contentBox({ width: 800, height: 800 }, { width: 1280, height: 720 })).toEqual({
      left: 0,
      top: 175,
      width: 800,
      height: 450,
    });
  });

  it('pillarboxes a portrait phone video in a wide element (bars left and right)', () => {
    expect(contentBox({ width: 1600, height: 900 }, { width: 720, height: 1280 })).toEqual({
      left: 546.875,
      top: 0,
      width: 506.25,
      height: 900,
    });
  });

  it('uses the whole element before the video size is known', () => {
    expect(contentBox({ width: 640, height: 360 }, { width: 0, height: 0 })).toEqual({
      left: 0,
      top: 0,
      width: 640,
      height: 360,
    });
  });
});

describe('pixels and fractions', () => {
  const box = { left: 100, top: 0, width: 400, height: 200 };

  it('measures from the frame, not the element, and clamps points outside it', () => {
    expect(toFraction(box, { x: 300, y: 50 })).toEqual({ x: 0.5, y: 0.25 });
    expect(toFraction(box, { x: 20, y: -30 })).toEqual({ x: 0, y: 0 });
    expect(toFraction(box, { x: 900, y: 900 })).toEqual({ x: 1, y: 1 });
  });

  it('draws a stored rectangle back where it was drawn', () => {
    const r = rectFromDrag(box, { x: 200, y: 40 }, { x: 300, y: 140 });
    expect(r).toEqual({ x: 0.25, y: 0.2, width: 0.25, height: 0.5 });
    expect(toPixels(box, r!)).toEqual({ left: 200, top: 40, width: 100, height: 100 });
  });

  it('accepts a drag in any direction and clips it at the frame edge', () => {
    expect(rectFromDrag(box, { x: 600, y: 250 }, { x: 400, y: 100 })).toEqual({
      x: 0.75,
      y: 0.5,
      width: 0.25,
      height: 0.5,
    });
  });

  it('ignores a click or a drag too thin to be a region', () => {
    expect(rectFromDrag(box, { x: 200, y: 40 }, { x: 200, y: 40 })).toBeNull();
    expect(rectFromDrag(box, { x: 200, y: 40 }, { x: 201, y: 140 })).toBeNull();
  });
});

describe('clampRect', () => {
  it('moves a rectangle back inside the frame without shrinking it', () => {
    expect(clampRect({ x: 0.9, y: 0.95, width: 0.3, height: 0.2 })).toEqual({
      x: 0.7,
      y: 0.8,
      width: 0.3,
      height: 0.2,
    });
  });

  it('keeps sides between the minimum and the whole frame, and survives NaN', () => {
    const r = clampRect({ x: Number.NaN, y: -1, width: 0, height: 3 });
    expect(r).toEqual({ x: 0, y: 0, width: MIN_SIDE, height: 1 });
  });

  it('nudges by keyboard and stops at the edge', () => {
    const r = { x: 0.98, y: 0.5, width: 0.02, height: 0.1 };
    expect(nudge(r, 0.01, 0, false).x).toBe(0.98);
    expect(nudge(r, 0, 0.01, true).height).toBe(0.11);
  });

  it('reads typed percentages', () => {
    expect(fromPercentText('12.5')).toBe(0.125);
    expect(fromPercentText('-3')).toBeNull();
    expect(fromPercentText('abc')).toBeNull();
  });
});

describe('times', () => {
  it('defaults to five seconds from now, moved back near the end of the recording', () => {
    expect(defaultSpan(3.04, 60)).toEqual({ from: 3, to: 8 });
    expect(defaultSpan(58, 60)).toEqual({ from: 55, to: 60 });
    expect(defaultSpan(2, 3)).toEqual({ from: 0, to: 3 });
    expect(defaultSpan(2, null)).toEqual({ from: 2, to: 7 });
  });

  it('reads seconds and m:ss', () => {
    expect(parseSeconds('7.5')).toBe(7.5);
    expect(parseSeconds('1:05.5')).toBe(65.5);
    expect(parseSeconds('')).toBeNull();
    expect(parseSeconds('-2')).toBeNull();
    expect(parseSeconds('1e3')).toBeNull();
  });

  it('requires the end after the start', () => {
    expect(rangeError('5', '5', null)).toMatch(/after the start/);
    expect(rangeError('6', '5', null)).toMatch(/after the start/);
    expect(rangeError('x', '5', null)).toMatch(/start time/);
    expect(rangeError('70', '75', 60)).toMatch(/after the end of the recording/);
    expect(rangeError('1', '2', 60)).toBeNull();
  });
});
