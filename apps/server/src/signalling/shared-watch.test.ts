import { afterEach, describe, expect, it, vi } from 'vitest';
import { SharedWatch } from './shared-watch.js';

afterEach(() => vi.useRealTimers());

describe('SharedWatch', () => {
  it("ends a binding when its share's time runs out, with the views started under it", () => {
    vi.useFakeTimers();
    const ended: unknown[] = [];
    const w = new SharedWatch((...a) => ended.push(a));
    w.bind('s1', 'share-1', 5_000);
    w.addView('s1', 'view-1');
    vi.advanceTimersByTime(4_999);
    expect(ended).toEqual([]);
    expect(w.has('s1')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(ended).toEqual([['s1', 'share-1', ['view-1'], 'expired']]);
    expect(w.has('s1')).toBe(false);
  });

  it('ends only the share it is bound to, once', () => {
    const ended: unknown[] = [];
    const w = new SharedWatch((...a) => ended.push(a));
    w.bind('s1', 'share-1', 60_000);
    expect(w.end('s1', 'another-share', 'revoked')).toBe(false);
    expect(w.end('s1', 'share-1', 'revoked')).toBe(true);
    expect(w.end('s1', 'share-1', 'revoked')).toBe(false);
    expect(ended).toEqual([['s1', 'share-1', [], 'revoked']]);
    w.clear();
  });

  it('forgets a binding on unwatch without reporting an end', () => {
    vi.useFakeTimers();
    const ended: unknown[] = [];
    const w = new SharedWatch((...a) => ended.push(a));
    w.bind('s1', 'share-1', 1_000);
    w.forget('s1');
    vi.advanceTimersByTime(5_000);
    expect(ended).toEqual([]);
  });
});
