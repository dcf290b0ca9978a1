import { describe, expect, it } from 'vitest';
import { ClassifyRequest } from './evidence-api.js';
import { clearPeriodStartProblem, dateOfBirthProblem } from './retention-bounds.js';

const NOW = Date.UTC(2026, 10, 29, 12);

describe('retention input bounds', () => {
  it('accepts a real past date of birth and refuses impossible, future or implausible ones', () => {
    expect(dateOfBirthProblem('1984-02-29', NOW)).toBeNull();
    expect(dateOfBirthProblem('1900-01-01', NOW)).toBeNull();
    expect(dateOfBirthProblem('2023-02-30', NOW)).toMatch(/not a real calendar date/);
    expect(dateOfBirthProblem('2023-02-29', NOW)).toMatch(/not a real calendar date/);
    expect(dateOfBirthProblem('2023-13-01', NOW)).toMatch(/not a real calendar date/);
    expect(dateOfBirthProblem('0000-01-01', NOW)).toMatch(/1900/);
    expect(dateOfBirthProblem('2026-11-30', NOW)).toMatch(/past/);
    expect(dateOfBirthProblem('29/02/1984', NOW)).toMatch(/YYYY-MM-DD/);
  });

  it('takes a clear-period start in milliseconds only, naming seconds when it sees them', () => {
    expect(clearPeriodStartProblem(NOW, NOW)).toBeNull();
    expect(clearPeriodStartProblem(Date.UTC(1990, 0, 1), NOW)).toBeNull();
    expect(clearPeriodStartProblem(Math.floor(NOW / 1000), NOW)).toMatch(
      /looks like seconds.*send milliseconds/,
    );
    expect(clearPeriodStartProblem(0, NOW)).toMatch(/1990/);
    expect(clearPeriodStartProblem(-1, NOW)).toMatch(/1990/);
    expect(clearPeriodStartProblem(NOW + 2 * 86_400_000, NOW)).toMatch(/future/);
    expect(clearPeriodStartProblem(Number.MAX_SAFE_INTEGER + 2, NOW)).toMatch(/whole number/);
    expect(clearPeriodStartProblem(NOW + 0.5, NOW)).toMatch(/whole number/);
  });

  it('the request schema applies the same checks', () => {
    const base = { policyId: 'mopi-3', reason: 'test reason' };
    expect(ClassifyRequest.safeParse({ ...base, clearPeriodStart: Date.now() - 1000 }).success).toBe(true);
    const seconds = ClassifyRequest.safeParse({ ...base, clearPeriodStart: Math.floor(Date.now() / 1000) });
    expect(seconds.success).toBe(false);
    expect(seconds.error?.issues[0]?.path).toEqual(['clearPeriodStart']);
    const dob = ClassifyRequest.safeParse({ ...base, subjectDateOfBirth: '2023-02-30' });
    expect(dob.error?.issues[0]?.path).toEqual(['subjectDateOfBirth']);
  });
});
