import { describe, expect, it } from 'vitest';
import { protectionFor } from './evidence-protection.js';

const Y2030 = Date.UTC(2030, 0, 1);
const Y2035 = Date.UTC(2035, 0, 1);

describe('the store lock for a session', () => {
  it('lasts until the later of the retention date and the review date (disposal needs both passed)', () => {
    expect(protectionFor({ retain_until: Y2030, review_due_at: Y2035, legal_hold: 0 })).toEqual({
      retainUntil: Y2035,
      legalHold: false,
    });
    expect(protectionFor({ retain_until: Y2035, review_due_at: Y2030, legal_hold: 0 }).retainUntil).toBe(
      Y2035,
    );
  });

  it('a review-only group (MoPI 2) is locked until its review; a retention-only one until its date', () => {
    expect(protectionFor({ retain_until: null, review_due_at: Y2030, legal_hold: null }).retainUntil).toBe(
      Y2030,
    );
    expect(protectionFor({ retain_until: Y2030, review_due_at: null, legal_hold: null }).retainUntil).toBe(
      Y2030,
    );
  });

  it('unclassified media gets no date, and a legal hold is a hold whatever the dates', () => {
    expect(protectionFor({ retain_until: null, review_due_at: null, legal_hold: 1 })).toEqual({
      retainUntil: null,
      legalHold: true,
    });
  });
});
