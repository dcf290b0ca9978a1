import type { TimelineEvent } from '@sightline/protocol';
import { useEffect, useRef, useState } from 'react';
import { formatTime } from '../lib/format.js';
import { TRACKING_REASON_TEXT, trackingStopped } from './tracking-status.js';

/**
 * What the caller's own page reported: its tracking stopped (why, since when) until it says
 * tracking runs again. Told once to screen readers, politely, each way.
 */
export function TrackingStoppedBanner({
  timeline,
  over,
}: {
  timeline: readonly TimelineEvent[];
  over: boolean;
}) {
  const stopped = trackingStopped(timeline, over);
  const [said, setSaid] = useState('');
  const last = useRef<string | null>(null);
  useEffect(() => {
    const id = stopped?.eventId ?? null;
    if (id === last.current) return;
    const before = last.current;
    last.current = id;
    if (stopped) setSaid(`Caller’s tracking stopped: ${TRACKING_REASON_TEXT[stopped.reason]}.`);
    else if (before) setSaid('Caller’s tracking is running again.');
  }, [stopped?.eventId, stopped]);

  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="tracking-said">
        {said}
      </p>
      {stopped ? (
        <div className="fix-alert" data-testid="tracking-stopped">
          <strong>Caller’s tracking stopped</strong>
          <span>
            {' '}
            {TRACKING_REASON_TEXT[stopped.reason]}, since {formatTime(stopped.since)}. The caller’s page has
            told them what to do.
          </span>
        </div>
      ) : null}
    </>
  );
}
