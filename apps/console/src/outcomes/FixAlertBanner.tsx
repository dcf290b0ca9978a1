import type { ReceivedFix, TimelineEvent } from '@sightline/protocol';
import { useEffect, useRef, useState } from 'react';
import { formatAge, formatTime } from '../lib/format.js';
import { fixAlert } from './outcome-model.js';

/**
 * The missing-person no-fix alert. The server raises and clears it (its sweep writes
 * `location.stale` and `location.resumed` to the timeline), so it is the same on every
 * console and holds with none open; this shows it, and says each change once, politely.
 */
export function FixAlertBanner({
  timeline,
  fix,
  now,
}: {
  timeline: readonly TimelineEvent[];
  fix: ReceivedFix | null;
  now: number;
}) {
  const alert = fixAlert(timeline);
  const [said, setSaid] = useState('');
  const last = useRef<string | null>(null);
  useEffect(() => {
    const id = alert?.id ?? null;
    if (id === last.current) return;
    const before = last.current;
    last.current = id;
    if (id) setSaid('Alert: no position from the caller’s phone. The search may have lost them.');
    else if (before) setSaid('Positions are arriving again.');
  }, [alert?.id]);

  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="fix-alert-said">
        {said}
      </p>
      {alert ? (
        <div className="fix-alert" data-testid="fix-alert">
          <strong>No position from the phone</strong>
          <span>
            {fix
              ? ` Last fix ${formatAge(now - fix.receivedAt)} ago, at ${formatTime(fix.receivedAt)}.`
              : ' No fix has arrived since sharing began.'}{' '}
            Alert raised {formatTime(alert.at)}: {alert.detail}.
          </span>
        </div>
      ) : null}
    </>
  );
}
