import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store, Ticker } from './store.js';

describe('Store', () => {
  it('notifies listeners on a change and not on an identical value', () => {
    const s = new Store({ a: 1, b: 'x' });
    const l = vi.fn();
    s.subscribe(l);
    s.patch({ a: 1 });
    expect(l).not.toHaveBeenCalled();
    s.patch({ a: 2 });
    expect(l).toHaveBeenCalledTimes(1);
    expect(s.get()).toEqual({ a: 2, b: 'x' });
  });

  it('derives the next value from the current one', () => {
    const s = new Store(1);
    s.set((n) => n + 1);
    expect(s.get()).toBe(2);
  });

  it('keeps notifying other listeners when one throws', () => {
    const s = new Store(0);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    s.subscribe(() => {
      throw new Error('boom');
    });
    s.subscribe(good);
    s.set(1);
    expect(good).toHaveBeenCalled();
    err.mockRestore();
  });

  it('stops notifying after unsubscribe', () => {
    const s = new Store(0);
    const l = vi.fn();
    const off = s.subscribe(l);
    off();
    s.set(5);
    expect(l).not.toHaveBeenCalled();
  });
});

describe('Ticker', () => {
  afterEach(() => vi.useRealTimers());

  it('ticks only while subscribed', () => {
    vi.useFakeTimers();
    let now = 1000;
    const t = new Ticker(() => now, 1000);
    const l = vi.fn();
    const off = t.subscribe(l);
    now = 2000;
    vi.advanceTimersByTime(1000);
    expect(t.get()).toBe(2000);
    off();
    now = 3000;
    vi.advanceTimersByTime(5000);
    expect(t.get()).toBe(2000);
  });
});
