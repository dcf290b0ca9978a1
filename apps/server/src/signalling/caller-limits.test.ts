import { describe, expect, it } from 'vitest';
import { CALLER_LIMITS, CallerLimiter, THROTTLE_NOTICE_MS, TokenBucket } from './caller-limits.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    let t = 0;
    const b = new TokenBucket(3, 1, () => t);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    t += 1000;
    expect([b.take(), b.take()]).toEqual([true, false]);
    t += 60_000;
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});

describe('CallerLimiter', () => {
  const chat = { type: 'chat.send', id: 'x', clientId: 'c1', text: 'hi', sentAt: 0 } as const;
  const fix = { type: 'ping', id: 'p' } as const;

  it('cuts chat off after its burst but lets the page keep working', () => {
    let t = 0;
    const l = new CallerLimiter(() => t);
    const results = Array.from({ length: CALLER_LIMITS.chat.burst + 1 }, () => l.check(chat));
    expect(results.filter((r) => r === null)).toHaveLength(CALLER_LIMITS.chat.burst);
    expect(results.at(-1)).toBe('chat');
    expect(l.check(fix)).toBeNull();
    t += 2000;
    expect(l.check(chat)).toBeNull();
  });

  it('reports a burst once, then again after a quiet minute', () => {
    let t = 0;
    const l = new CallerLimiter(() => t);
    expect(l.shouldNotice('chat')).toBe(true);
    expect(l.shouldNotice('chat')).toBe(false);
    expect(l.shouldNotice('messages')).toBe(true);
    t += THROTTLE_NOTICE_MS;
    expect(l.shouldNotice('chat')).toBe(true);
  });
});
