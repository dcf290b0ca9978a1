import type { CheckStatus } from '@sightline/protocol';

/** The session facts a check's status is computed from (never a counter: the record says what happened). */
export interface CheckFacts {
  notBefore: number;
  notAfter: number;
  consentedAt: number | null;
  cancelledAt: number | null;
  /** An outcome was recorded on the session. */
  recorded: boolean;
}

/**
 * upcoming → open → joined (the subject consented) → done (the result is recorded); a window that
 * closed without consent is missed; a cancelled check stays cancelled.
 */
export function checkStatus(f: CheckFacts, now: number): CheckStatus {
  if (f.recorded) return 'done';
  if (f.consentedAt !== null) return 'joined';
  if (f.cancelledAt !== null) return 'cancelled';
  if (now < f.notBefore) return 'upcoming';
  if (now < f.notAfter) return 'open';
  return 'missed';
}
