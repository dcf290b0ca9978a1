import { describe, expect, it } from 'vitest';
import { formatAge, formatBitrate, formatBytes, formatClock, formatDuration, formatWhen } from './format.js';
import { spacedCode } from './session-options.js';

describe('formatAge', () => {
  it('counts seconds, then minutes, then hours', () => {
    expect(formatAge(0)).toBe('0 s');
    expect(formatAge(59_999)).toBe('59 s');
    expect(formatAge(65_000)).toBe('1 min 05 s');
    expect(formatAge(2 * 3600_000 + 13 * 60_000)).toBe('2 h 13 min');
  });

  it('reads clock skew (a fix "from the future") as 0 s', () => {
    expect(formatAge(-4000)).toBe('0 s');
  });
});

describe('formatDuration', () => {
  it('formats minutes and hours', () => {
    expect(formatDuration(65_400)).toBe('1:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });
});

describe('formatBitrate', () => {
  it('switches to Mbit/s at a million', () => {
    expect(formatBitrate(850_000)).toBe('850 kbit/s');
    expect(formatBitrate(1_250_000)).toBe('1.3 Mbit/s');
  });
});

describe('formatWhen', () => {
  it('shows only the time for today and the date otherwise', () => {
    const now = new Date(2025, 10, 28, 15, 0, 0).getTime();
    expect(formatWhen(new Date(2025, 10, 28, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatWhen(new Date(2025, 10, 27, 9, 5, 7).getTime(), now)).toBe('27 Nov 09:05');
  });
});

describe('formatClock', () => {
  it('says "tomorrow" when a time ahead crosses midnight', () => {
    const now = new Date(2025, 10, 28, 22, 0).getTime();
    expect(formatClock(new Date(2025, 10, 28, 23, 5).getTime(), now)).toBe('23:05');
    expect(formatClock(new Date(2025, 10, 29, 1, 5).getTime(), now)).toBe('01:05 tomorrow');
    expect(formatClock(new Date(2025, 10, 30, 1, 5).getTime(), now)).toBe('01:05 on 30 Nov');
  });
});

describe('session options', () => {
  it('spaces a code for reading aloud', () => {
    expect(spacedCode('4829')).toBe('4 8 2 9');
    expect(spacedCode(' 48 29')).toBe('4 8 2 9');
  });
});
