import type { ReceivedFix, SessionSummary, TimelineEvent } from '@sightline/protocol';

/** Test data builders; imported only by *.test.ts files. */
export function summary(id: string, createdAt: number, patch: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id,
    reference: null,
    phoneMasked: '+44 •••••••123',
    state: 'sent',
    createdAt,
    createdBy: { id: 'o1', name: 'PC Jones' },
    expiresAt: createdAt + 3_600_000,
    openedAt: null,
    consentedAt: null,
    liveAt: null,
    endedAt: null,
    endReason: null,
    publishing: false,
    lastFix: null,
    ...patch,
  };
}

export function fix(
  lat: number,
  lon: number,
  receivedAt: number,
  patch: Partial<ReceivedFix> = {},
): ReceivedFix {
  return {
    lat,
    lon,
    accuracy: 12,
    altitude: null,
    altitudeAccuracy: null,
    heading: null,
    speed: null,
    fixTime: receivedAt - 200,
    receivedAt,
    ...patch,
  };
}

export function event(
  id: string,
  at: number,
  type: string,
  patch: Partial<TimelineEvent> = {},
): TimelineEvent {
  return { id, at, type, actor: null, detail: null, ...patch };
}
