import type { EvidenceItem, Recording, TimelineEvent } from '@sightline/protocol';
import { useEffect, useRef } from 'react';
import { formatTime } from '../lib/format.js';
import { describeEventDetail, describeEventType, eventTone } from '../session/event-text.js';
import { locateMoment } from './playback.js';

/**
 * The session's timeline beside the recording: the event at the moment being
 * played is highlighted, and an event inside a recording is a button that
 * takes the player there.
 */
export function PlaybackTimeline({
  events,
  current,
  playing,
  recordings,
  items,
  onSeek,
  unavailable,
}: {
  events: TimelineEvent[];
  /** Index of the event at the playback moment; -1 for none. */
  current: number;
  playing: boolean;
  recordings: Recording[];
  items: EvidenceItem[];
  onSeek: (at: number) => void;
  /** Why there is no timeline (the role cannot read it), if so. */
  unavailable: string | null;
}) {
  const listRef = useRef<HTMLOListElement>(null);

  // Keep the highlighted event in view while playing; when paused the officer may be reading elsewhere.
  useEffect(() => {
    if (!playing || current < 0) return;
    const el = listRef.current?.querySelector<HTMLElement>('[data-current="true"]');
    el?.scrollIntoView({ block: 'nearest' });
  }, [current, playing]);

  return (
    <section className="card timeline-card" aria-labelledby="pb-timeline-title">
      <div className="card-head">
        <h2 id="pb-timeline-title">Timeline</h2>
        <span className="muted">{events.length ? `${events.length} events` : ''}</span>
      </div>
      {unavailable ? <p className="muted">{unavailable}</p> : null}
      {!unavailable && events.length === 0 ? <p className="muted">No events.</p> : null}
      <ol
        className="timeline pb-timeline"
        ref={listRef}
        aria-label="Session events, with links to their moment in the recording"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, and a keyboard must be able to scroll it (WCAG 2.1.1).
        tabIndex={0}
      >
        {events.map((e, i) => {
          const target = locateMoment(recordings, items, e.at);
          const isCurrent = i === current;
          const body = (
            <>
              <time className="tl-time mono" dateTime={new Date(e.at).toISOString()}>
                {formatTime(e.at)}
              </time>
              <span className="tl-what">{describeEventType(e.type)}</span>
              <span className="tl-actor">{e.actor ?? 'system'}</span>
              {e.detail ? <span className="tl-detail">{describeEventDetail(e.detail)}</span> : null}
            </>
          );
          return (
            <li
              key={e.id}
              className={`tl-event tl-${eventTone(e.type)}${isCurrent ? ' tl-current' : ''}`}
              data-testid="timeline-event"
              data-type={e.type}
              data-current={isCurrent ? 'true' : undefined}
              aria-current={isCurrent ? 'time' : undefined}
            >
              {target ? (
                <button
                  type="button"
                  className="tl-seek"
                  onClick={() => onSeek(e.at)}
                  aria-label={`${describeEventType(e.type)} at ${formatTime(e.at)}: play from here`}
                >
                  {body}
                </button>
              ) : (
                <div className="tl-static">{body}</div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
