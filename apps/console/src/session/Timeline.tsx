import type { TimelineEvent } from '@sightline/protocol';
import { useEffect, useRef } from 'react';
import { formatTime } from '../lib/format.js';
import { describeEventDetail, describeEventType, eventTone } from './event-text.js';

/** Everything that happened in the session, oldest first; new events are announced to screen readers. */
export function Timeline({
  events,
  announced,
}: {
  events: TimelineEvent[];
  announced: TimelineEvent | null;
}) {
  const listRef = useRef<HTMLOListElement>(null);
  const count = events.length;

  // Stay at the newest event unless the officer has scrolled up to read older ones.
  useEffect(() => {
    const el = listRef.current;
    if (!el || count === 0) return;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (nearBottom || el.dataset.stuck !== 'no') el.scrollTop = el.scrollHeight;
  }, [count]);

  return (
    <section className="card timeline-card" aria-labelledby="timeline-title">
      <div className="card-head">
        <h2 id="timeline-title">Timeline</h2>
        <span className="muted">{count} events</span>
      </div>
      {count === 0 ? <p className="muted">No events yet.</p> : null}
      <ol
        className="timeline"
        data-testid="timeline"
        ref={listRef}
        aria-label="Session events, oldest first"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, and a keyboard must be able to scroll it (WCAG 2.1.1).
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          el.dataset.stuck = el.scrollHeight - el.scrollTop - el.clientHeight < 80 ? 'yes' : 'no';
        }}
      >
        {events.map((e) => (
          <li
            key={e.id}
            className={`tl-event tl-${eventTone(e.type)}`}
            data-testid="timeline-event"
            data-type={e.type}
          >
            <time className="tl-time mono" dateTime={new Date(e.at).toISOString()}>
              {formatTime(e.at)}
            </time>
            <span className="tl-what">{describeEventType(e.type)}</span>
            <span className="tl-actor">{e.actor ?? 'system'}</span>
            {e.detail ? <span className="tl-detail">{describeEventDetail(e.detail)}</span> : null}
          </li>
        ))}
      </ol>
      <p className="visually-hidden" aria-live="polite">
        {announced
          ? `${describeEventType(announced.type)}${announced.actor ? `, ${announced.actor}` : ''}`
          : ''}
      </p>
    </section>
  );
}
