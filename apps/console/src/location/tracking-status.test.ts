import type { TimelineEvent } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { trackingStopped } from './tracking-status.js';

const ev = (id: string, type: string, at: number, detail: string | null = null): TimelineEvent => ({
  id,
  type,
  at,
  actor: 'caller',
  detail,
});

describe('the caller tracking-stopped status', () => {
  it('shows the newest stop with its reason and time until the phone says tracking runs again', () => {
    expect(trackingStopped([ev('a', 'location.sharing', 1)])).toBeNull();
    const stopped = [ev('a', 'location.sharing', 1), ev('b', 'tracking.stopped', 5, 'offline')];
    expect(trackingStopped(stopped)).toEqual({ reason: 'offline', since: 5, eventId: 'b' });
    expect(trackingStopped([...stopped, ev('c', 'tracking.resumed', 9)])).toBeNull();
    const again = [...stopped, ev('c', 'tracking.resumed', 9), ev('d', 'tracking.stopped', 12, 'denied')];
    expect(trackingStopped(again)?.reason).toBe('denied');
  });

  it('shows no stop once the session is over (the phone never says it resumed then)', () => {
    const stopped = [ev('b', 'tracking.stopped', 5, 'background'), ev('c', 'session.ended', 9)];
    expect(trackingStopped(stopped, false)?.reason).toBe('background');
    expect(trackingStopped(stopped, true)).toBeNull();
  });

  it('ignores a stop whose reason it does not know rather than showing a wrong one', () => {
    expect(trackingStopped([ev('a', 'tracking.stopped', 5, 'gremlins')])).toBeNull();
  });
});
