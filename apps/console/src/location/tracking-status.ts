import type { TimelineEvent, TrackingStopReason } from '@sightline/protocol';

/** Why the caller's phone stopped tracking, in the words the officer reads. */
export const TRACKING_REASON_TEXT: Record<TrackingStopReason, string> = {
  denied: 'location was turned off or blocked on the phone',
  'no-fix': 'the phone has found no position for several minutes',
  background: 'the page was in the background and the phone stopped location',
  offline: 'the phone had no connection for a long time',
};

export interface TrackingStopped {
  reason: TrackingStopReason;
  /** When it stopped (the phone's account, bounded by the server). */
  since: number;
  eventId: string;
}

const isReason = (d: string | null): d is TrackingStopReason => !!d && d in TRACKING_REASON_TEXT;

/**
 * The caller's own "tracking stopped" report still standing: the newest stop not followed by a
 * resume. None once the session is over: the phone stops tracking then and never says it resumed.
 */
export function trackingStopped(timeline: readonly TimelineEvent[], over = false): TrackingStopped | null {
  if (over) return null;
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i]!;
    if (e.type === 'tracking.resumed') return null;
    if (e.type === 'tracking.stopped' && isReason(e.detail))
      return { reason: e.detail, since: e.at, eventId: e.id };
  }
  return null;
}
