import { describe, expect, it } from 'vitest';
import { checkWindows, expandRepeat, zonedTime } from './check-windows.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('check windows', () => {
  it('21:00 in London is 21:00Z in winter and 20:00Z in summer', () => {
    expect(iso(zonedTime('2026-12-01', '21:00', 'Europe/London'))).toBe('2026-12-01T21:00:00.000Z');
    expect(iso(zonedTime('2026-07-01', '21:00', 'Europe/London'))).toBe('2026-07-01T20:00:00.000Z');
  });

  it('a daily series keeps 21:00 local across the autumn clock change', () => {
    // Clocks go back at 02:00 BST on Sunday 25 October 2026.
    const w = expandRepeat(
      { firstDate: '2026-10-24', start: '21:00', minutes: 30, count: 3, everyDays: 1 },
      'Europe/London',
    );
    expect(w.map((x) => iso(x.notBefore))).toEqual([
      '2026-10-24T20:00:00.000Z',
      '2026-10-25T21:00:00.000Z',
      '2026-10-26T21:00:00.000Z',
    ]);
    expect(w.every((x) => x.notAfter - x.notBefore === 30 * 60_000)).toBe(true);
  });

  it('a daily series keeps its local time across the spring clock change, and a skipped hour moves on', () => {
    // Clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    const w = expandRepeat(
      { firstDate: '2026-03-28', start: '01:30', minutes: 30, count: 2, everyDays: 1 },
      'Europe/London',
    );
    expect(w.map((x) => iso(x.notBefore))).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z']);
    // 01:30 on 29 March does not exist in London: it is read as 02:30 BST, the same instant.
  });

  it('weekly checks are seven local days apart', () => {
    const w = expandRepeat(
      {
        firstDate: '2026-12-01',
        start: '09:00',
        minutes: 60,
        count: 2,
        everyDays: 7,
        timeZone: 'Europe/London',
      },
      'UTC',
    );
    expect(w.map((x) => iso(x.notBefore))).toEqual(['2026-12-01T09:00:00.000Z', '2026-12-08T09:00:00.000Z']);
  });

  it('an unknown zone is refused with the field named', () => {
    expect(() =>
      expandRepeat(
        { firstDate: '2026-12-01', start: '09:00', minutes: 60, count: 1, everyDays: 1 },
        'Mars/Base',
      ),
    ).toThrow(/unknown time zone/);
  });

  it('refuses windows already closed, overlapping or beyond the horizon, and sorts the rest', () => {
    const now = Date.UTC(2026, 11, 1);
    const h = 3_600_000;
    expect(() => checkWindows([{ notBefore: now - 2 * h, notAfter: now - h }], now)).toThrow(
      /already closed/,
    );
    expect(() =>
      checkWindows(
        [
          { notBefore: now + h, notAfter: now + 3 * h },
          { notBefore: now + 2 * h, notAfter: now + 4 * h },
        ],
        now,
      ),
    ).toThrow(/overlap/);
    expect(() =>
      checkWindows([{ notBefore: now + 100 * 24 * h, notAfter: now + 101 * 24 * h }], now),
    ).toThrow(/days ahead/);
    const sorted = checkWindows(
      [
        { notBefore: now + 5 * h, notAfter: now + 6 * h },
        { notBefore: now + h, notAfter: now + 2 * h },
      ],
      now,
    );
    expect(sorted[0]!.notBefore).toBe(now + h);
  });
});
