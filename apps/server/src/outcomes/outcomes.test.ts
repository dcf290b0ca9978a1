import { describe, expect, it } from 'vitest';
import { callerSecretMs } from '../sessions/session.service.js';
import { staleDecision, type Watched } from './fix-watch.js';
import { modeRefusal, supersedeRefusal } from './outcome.service.js';

const MIN = 60_000;

describe('the missing-person no-fix alert', () => {
  const w = (p: Partial<Watched>): Watched => ({
    sessionId: 's',
    thresholdMs: 5 * MIN,
    alertSince: null,
    lastFixAt: 0,
    startedAt: 0,
    ...p,
  });

  it('raises only once a fix is older than the threshold, and only once', () => {
    expect(staleDecision(w({}), 5 * MIN)).toBeNull();
    expect(staleDecision(w({}), 5 * MIN + 1)).toBe('raise');
    expect(staleDecision(w({ alertSince: 5 * MIN + 1 }), 9 * MIN)).toBeNull();
  });

  it('clears when a fresh fix arrives, and not before', () => {
    expect(staleDecision(w({ alertSince: 6 * MIN }), 7 * MIN)).toBeNull();
    expect(staleDecision(w({ alertSince: 6 * MIN, lastFixAt: 6.5 * MIN }), 7 * MIN)).toBe('clear');
  });

  it('counts from when sharing began for a phone that never sent a fix', () => {
    expect(staleDecision(w({ lastFixAt: null, startedAt: 10 * MIN }), 14 * MIN)).toBeNull();
    expect(staleDecision(w({ lastFixAt: null, startedAt: 10 * MIN }), 16 * MIN)).toBe('raise');
    expect(staleDecision(w({ lastFixAt: null, startedAt: null }), 99 * MIN)).toBeNull();
  });
});

describe('outcome rules', () => {
  it('a correction replaces a record of the same kind in the same session only', () => {
    expect(supersedeRefusal({ session_id: 's1', kind: 'triage' }, 's1', 'triage')).toBeNull();
    expect(supersedeRefusal(undefined, 's1', 'triage')?.code).toBe('not_found');
    expect(supersedeRefusal({ session_id: 's2', kind: 'triage' }, 's1', 'triage')?.code).toBe('not_found');
    expect(supersedeRefusal({ session_id: 's1', kind: 'bail-check' }, 's1', 'triage')?.code).toBe(
      'bad_request',
    );
  });

  it('a bail check needs a two-way session, a missing-person outcome a location one; triage fits any', () => {
    expect(modeRefusal('bail-check', 'two-way')).toBeNull();
    expect(modeRefusal('bail-check', 'video')?.message).toMatch(/two-way/);
    expect(modeRefusal('missing-person', 'location')).toBeNull();
    expect(modeRefusal('missing-person', 'two-way')?.code).toBe('bad_request');
    for (const mode of ['video', 'location', 'two-way'] as const)
      expect(modeRefusal('triage', mode)).toBeNull();
  });
});

describe("the caller's device credential", () => {
  const H = 3_600_000;
  it('lasts a location link’s whole window (plus an hour), never less than the caller session', () => {
    expect(callerSecretMs(12 * H, null)).toBe(12 * H);
    expect(callerSecretMs(12 * H, 120)).toBe(12 * H);
    expect(callerSecretMs(12 * H, 24 * 60)).toBe(25 * H);
  });
});
