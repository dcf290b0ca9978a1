import { describe, expect, it } from 'vitest';
import { checkStatus } from './check-status.js';

const base = { notBefore: 1000, notAfter: 2000, consentedAt: null, cancelledAt: null, recorded: false };

describe('check status', () => {
  it('is upcoming before the window, open inside it and missed after it without consent', () => {
    expect(checkStatus(base, 999)).toBe('upcoming');
    expect(checkStatus(base, 1000)).toBe('open');
    expect(checkStatus(base, 1999)).toBe('open');
    expect(checkStatus(base, 2000)).toBe('missed');
  });

  it('a subject who consented inside the window is not missed when it closes; a recorded result is done', () => {
    expect(checkStatus({ ...base, consentedAt: 1500 }, 5000)).toBe('joined');
    expect(checkStatus({ ...base, consentedAt: 1500, recorded: true }, 5000)).toBe('done');
  });

  it('a cancelled check is never missed', () => {
    expect(checkStatus({ ...base, cancelledAt: 500 }, 5000)).toBe('cancelled');
  });
});
