import { describe, expect, it } from 'vitest';
import { arrowView, compassHeading, courseHeading, watchCompass } from './heading.js';

describe("the arrow to the caller, turned by the phone's heading", () => {
  it('takes iOS webkitCompassHeading as it is, and Android absolute alpha counter-clockwise', () => {
    expect(compassHeading({ webkitCompassHeading: 90, alpha: 12, absolute: false })).toBe(90);
    // alpha 90: the top of the phone is turned 90° anticlockwise from north, so it faces west.
    expect(compassHeading({ alpha: 90, absolute: true })).toBe(270);
    expect(compassHeading({ alpha: 0, absolute: true })).toBe(0);
    // In landscape the top of the screen is the phone's side.
    expect(compassHeading({ alpha: 0, absolute: true }, 90)).toBe(90);
  });

  it('ignores a reading that is not relative to the earth', () => {
    expect(compassHeading({ alpha: 45, absolute: false })).toBeNull();
    expect(compassHeading({ alpha: null, absolute: true })).toBeNull();
  });

  it('uses the GPS course only while moving', () => {
    expect(courseHeading({ heading: 200, speed: 13 })).toBe(200);
    expect(courseHeading({ heading: 200, speed: 0.5 })).toBeNull();
    expect(courseHeading({ heading: null, speed: 13 })).toBeNull();
  });

  it('points ahead when the caller is where the phone faces, right when they are to the right', () => {
    expect(arrowView(90, 90, null)).toEqual({ rotation: 0, reference: 'compass' });
    expect(arrowView(0, 270, null)).toEqual({ rotation: 90, reference: 'compass' });
    expect(arrowView(10, null, 350)).toEqual({ rotation: 20, reference: 'course' });
    expect(arrowView(10, 90, 350).reference).toBe('compass');
  });

  it('falls back to north-up when nothing tells it the heading', () => {
    expect(arrowView(135, null, null)).toEqual({ rotation: 135, reference: 'north' });
  });

  it('listens for absolute orientation where the browser has it, and stops when asked', () => {
    const listeners = new Map<string, EventListener>();
    const win = {
      ondeviceorientationabsolute: null,
      screen: { orientation: { angle: 0 } },
      addEventListener: (t: string, fn: EventListener) => listeners.set(t, fn),
      removeEventListener: (t: string) => listeners.delete(t),
    };
    const seen: Array<number | null> = [];
    const stop = watchCompass((h) => seen.push(h), win as unknown as Window);
    listeners.get('deviceorientationabsolute')!({ alpha: 30, absolute: true } as unknown as Event);
    expect(seen).toEqual([330]);
    stop();
    expect(listeners.size).toBe(0);
  });
});
