import { describe, expect, it } from 'vitest';
import { flagsFor, type OfficerMark, type SeenInterval, summarise } from './wellbeing.js';

const PLAN = { starts: [7 * 60, 19 * 60], timeZone: 'Europe/London' };
const T = { liveMinutes: 60, recordedMinutes: 90, distressingMarks: 1 };
const MIN = 60_000;
const at = (s: string) => Date.parse(s);

const seen = (officerId: string, kind: 'live' | 'recorded', end: string, minutes: number): SeenInterval => ({
  officerId,
  officerName: officerId === 'a' ? 'Alex Ward' : 'Bea Cole',
  kind,
  startedAt: at(end) - minutes * MIN,
  endedAt: at(end),
  seenMs: minutes * MIN,
});

const mark = (officerId: string, when: string): OfficerMark => ({
  officerId,
  officerName: officerId === 'a' ? 'Alex Ward' : 'Bea Cole',
  id: `m-${when}`,
  sessionId: 's',
  kind: 'live',
  itemId: null,
  mediaTime: null,
  note: null,
  at: at(when),
});

describe('wellbeing thresholds', () => {
  it('flags a shift when a threshold is reached, and not below it', () => {
    expect(flagsFor({ liveMs: 59 * MIN, recordedMs: 0, marks: [] }, T)).toEqual([]);
    expect(flagsFor({ liveMs: 60 * MIN, recordedMs: 90 * MIN, marks: [] }, T)).toEqual(['live', 'recorded']);
    expect(flagsFor({ liveMs: 0, recordedMs: 0, marks: [mark('a', '2026-01-15T10:00:00Z')] }, T)).toEqual([
      'distressing',
    ]);
  });
});

describe('exposure per officer and shift', () => {
  it('adds up each officer per shift, keeps kinds apart, and flags only the shift that went over', () => {
    const rows = summarise(
      [
        seen('a', 'live', '2026-01-15T09:00:00Z', 40),
        seen('a', 'live', '2026-01-15T18:00:00Z', 25), // same day shift: 65 min → flagged
        seen('a', 'recorded', '2026-01-15T18:30:00Z', 10),
        seen('a', 'live', '2026-01-15T21:00:00Z', 30), // night shift: 30 min
        seen('b', 'recorded', '2026-01-15T12:00:00Z', 5),
      ],
      [mark('b', '2026-01-15T12:01:00Z')],
      PLAN,
      T,
    );
    expect(rows.map((r) => r.name)).toEqual(['Alex Ward', 'Bea Cole']);
    const [alex, bea] = rows;
    expect(
      alex!.shifts.map((s) => [new Date(s.start).toISOString(), s.liveMs / MIN, s.recordedMs / MIN]),
    ).toEqual([
      ['2026-01-15T07:00:00.000Z', 65, 10],
      ['2026-01-15T19:00:00.000Z', 30, 0],
    ]);
    expect(alex!.shifts.map((s) => s.flags)).toEqual([['live'], []]);
    expect(bea!.shifts[0]!.marks).toHaveLength(1);
    expect(bea!.shifts[0]!.flags).toEqual(['distressing']);
  });

  it('shows an officer who only marked something distressing', () => {
    const rows = summarise([], [mark('a', '2026-01-15T20:00:00Z')], PLAN, T);
    expect(rows[0]!.shifts[0]!.liveMs).toBe(0);
    expect(rows[0]!.shifts[0]!.marks[0]!.id).toBe('m-2026-01-15T20:00:00Z');
  });
});
