import { describe, expect, it } from 'vitest';
import { defaultPolicies, retentionDates } from './policies.js';

const [g1, g2, g3, nfpa] = defaultPolicies(31);
const now = Date.UTC(2026, 10, 28);

describe('retention dates', () => {
  it('group 1 keeps until the subject is 100 and is reviewed in 10 years', () => {
    const d = retentionDates(g1!, { now, subjectDob: '1990-05-17' });
    expect(new Date(d.retainUntil!).toISOString()).toBe('2090-05-17T00:00:00.000Z');
    expect(new Date(d.reviewDueAt!).getUTCFullYear()).toBe(2036);
  });

  it('group 1 without a date of birth is never disposed of automatically', () => {
    expect(retentionDates(g1!, { now }).retainUntil).toBeNull();
  });

  it('group 2 is reviewed, never disposed of automatically', () => {
    const d = retentionDates(g2!, { now });
    expect(d.retainUntil).toBeNull();
    expect(d.reviewDueAt).not.toBeNull();
  });

  it('group 3 has a clear period of at least six calendar years from its start', () => {
    const start = Date.UTC(2024, 1, 29);
    const until = retentionDates(g3!, { now, clearPeriodStart: start }).retainUntil!;
    expect(until).toBeGreaterThanOrEqual(Date.UTC(2030, 1, 28));
    expect(until - Date.UTC(2030, 1, 28)).toBeLessThan(3 * 86_400_000);
  });

  it('NFPA disposes after the configured days', () => {
    expect(retentionDates(nfpa!, { now }).retainUntil).toBe(now + 31 * 86_400_000);
  });
});
