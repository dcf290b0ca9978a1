import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDate } from './dates.js';
import { formatClock, formatDateTime, formatWhen } from './format.js';

describe('the console writes dates and times in British English', () => {
  const at = new Date(2025, 8, 4, 14, 3, 27).getTime(); // 4 September 2025, 14:03:27 local

  it('puts the day before the month and uses a 24-hour clock everywhere', () => {
    expect(formatDateTime(at)).toMatch(/^4 Sept? 2025 14:03:27$/);
    expect(formatDate(at)).toMatch(/^4 Sept? 2025$/);
    expect(formatWhen(at, new Date(2025, 8, 6).getTime())).toMatch(/^4 Sept? 14:03$/);
    expect(formatClock(at, new Date(2025, 8, 1).getTime())).toMatch(/^14:03 on 4 Sept?$/);
  });

  it('tells the browser the page is en-GB (date fields, spelling)', () => {
    const html = readFileSync(join(import.meta.dirname, '../../index.html'), 'utf8');
    expect(html).toMatch(/<html lang="en-GB"/);
  });
});
