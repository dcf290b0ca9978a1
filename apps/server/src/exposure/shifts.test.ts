import { describe, expect, it } from 'vitest';
import { formatStart, localToInstant, shiftOf } from './shifts.js';

const LONDON = { starts: [7 * 60, 19 * 60], timeZone: 'Europe/London' };
const iso = (t: number) => new Date(t).toISOString();

describe('shifts in Europe/London', () => {
  it('puts a winter afternoon in the 07:00–19:00 day shift (GMT = UTC)', () => {
    const s = shiftOf(Date.parse('2026-01-15T14:30:00Z'), LONDON);
    expect(iso(s.start)).toBe('2026-01-15T07:00:00.000Z');
    expect(iso(s.end)).toBe('2026-01-15T19:00:00.000Z');
  });

  it('puts a summer afternoon in the day shift that starts at 07:00 BST (06:00 UTC)', () => {
    const s = shiftOf(Date.parse('2026-07-01T12:00:00Z'), LONDON);
    expect(iso(s.start)).toBe('2026-07-01T06:00:00.000Z');
    expect(iso(s.end)).toBe('2026-07-01T18:00:00.000Z');
  });

  it('keeps the small hours in the night shift that began the evening before', () => {
    const s = shiftOf(Date.parse('2026-01-16T03:00:00Z'), LONDON);
    expect(iso(s.start)).toBe('2026-01-15T19:00:00.000Z');
    expect(iso(s.end)).toBe('2026-01-16T07:00:00.000Z');
  });

  it('makes the night the clocks go forward an hour shorter (11 h), as the rota is', () => {
    // 29 March 2026: 01:00 GMT becomes 02:00 BST.
    const s = shiftOf(Date.parse('2026-03-29T03:00:00Z'), LONDON);
    expect(iso(s.start)).toBe('2026-03-28T19:00:00.000Z');
    expect(iso(s.end)).toBe('2026-03-29T06:00:00.000Z');
    expect((s.end - s.start) / 3_600_000).toBe(11);
  });

  it('makes the night the clocks go back an hour longer (13 h)', () => {
    // 25 October 2026: 02:00 BST becomes 01:00 GMT.
    const s = shiftOf(Date.parse('2026-10-25T02:00:00Z'), LONDON);
    expect(iso(s.start)).toBe('2026-10-24T18:00:00.000Z');
    expect(iso(s.end)).toBe('2026-10-25T07:00:00.000Z');
    expect((s.end - s.start) / 3_600_000).toBe(13);
  });

  it('starts a shift exactly at its start time, not in the one before', () => {
    const s = shiftOf(Date.parse('2026-01-15T19:00:00Z'), LONDON);
    expect(iso(s.start)).toBe('2026-01-15T19:00:00.000Z');
  });

  it('treats a single 00:00 start as the calendar day', () => {
    const day = { starts: [0], timeZone: 'Europe/London' };
    const s = shiftOf(Date.parse('2026-07-01T23:30:00Z'), day);
    // 23:30 UTC is 00:30 BST on 2 July.
    expect(iso(s.start)).toBe('2026-07-01T23:00:00.000Z');
    expect(iso(s.end)).toBe('2026-07-02T23:00:00.000Z');
  });

  it('handles three eight-hour shifts', () => {
    const three = { starts: [6 * 60, 14 * 60, 22 * 60], timeZone: 'Europe/London' };
    const s = shiftOf(Date.parse('2026-01-15T23:00:00Z'), three);
    expect(iso(s.start)).toBe('2026-01-15T22:00:00.000Z');
    expect(iso(s.end)).toBe('2026-01-16T06:00:00.000Z');
  });

  it('reads a local time as the instant it happens', () => {
    expect(iso(localToInstant(2026, 7, 1, 7 * 60, 'Europe/London'))).toBe('2026-07-01T06:00:00.000Z');
    expect(formatStart(7 * 60 + 5)).toBe('07:05');
  });
});
