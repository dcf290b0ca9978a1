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

  it('under an incident share, closes at once the view of a session that left the incident, and no other', () => {
    const ended: unknown[] = [];
    const w = new SharedWatch((...a) => ended.push(a));
    w.bind('s1', 'ish', 60_000, 'i1');
    w.bind('s2', 'ish', 60_000, 'i1');
    w.bind('s3', 'sess-share', 60_000);
    w.addView('s2', 'view-2');
    w.incidentChanged('i1', ['s1']);
    expect(ended).toEqual([['s2', 'ish', ['view-2'], 'left-incident']]);
    // Another incident's change, or one still listing the session, ends nothing.
    w.incidentChanged('i2', []);
    w.incidentChanged('i1', ['s1', 's9']);
    expect(ended).toHaveLength(1);
    expect([w.has('s1'), w.has('s2'), w.has('s3')]).toEqual([true, false, true]);
    w.clear();
  });

  it('ends every session watched under an incident share when the share ends', () => {
    const ended: unknown[] = [];
    const w = new SharedWatch((...a) => ended.push(a));
    w.bind('s1', 'ish', 60_000, 'i1');
    w.bind('s2', 'ish', 60_000, 'i1');
    w.bind('s3', 'other', 60_000);
    expect(w.endShare('ish', 'revoked')).toBe(2);
    expect(w.endShare('ish', 'revoked')).toBe(0);
    expect(ended.map((e) => (e as unknown[])[0])).toEqual(['s1', 's2']);
    expect(w.has('s3')).toBe(true);
    w.clear();
  });
});
