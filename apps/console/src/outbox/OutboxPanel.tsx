import { useEffect } from 'react';
import { useApp } from '../app/context.js';
import { formatWhen } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { outboxNote } from './outbox-store.js';

/**
 * Recent texts as the SMS gateway recorded them (the default gateway only records; nothing
 * leaves). Numbers are masked, and a link is readable only by the officer who sent it.
 */
export function OutboxPanel() {
  const { outbox, ticker } = useApp();
  const { status, messages, error } = useStore(outbox);
  const now = useStore(ticker);
  useEffect(() => outbox.activate(), [outbox]);

  return (
    <section className="card outbox" aria-labelledby="outbox-title">
      <div className="card-head">
        <h2 id="outbox-title">SMS outbox</h2>
      </div>
      <p className="muted small">
        What the text gateway sent (or would have sent), newest first. You see the link only in your own
        texts, until the caller opens it.
      </p>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {status === 'ready' && !messages.length ? <p className="empty">No messages yet.</p> : null}
      <ol
        className="outbox-list"
        aria-label="Text messages sent, newest first"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, and a keyboard must be able to scroll it (WCAG 2.1.1).
        tabIndex={0}
      >
        {messages.slice(0, 30).map((m) => (
          <li key={m.id} className="outbox-item" data-testid="outbox-message">
            <div className="outbox-meta">
              <span className="mono">{m.to}</span>
              <span className="muted">{formatWhen(m.createdAt, now)}</span>
              <span className={`tag tag-${m.status}`}>{m.status}</span>
            </div>
            {outboxNote(m) ? (
              <p className="muted small outbox-note" data-testid="outbox-note">
                {outboxNote(m)}
              </p>
            ) : null}
            <p className="outbox-body">{m.body}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
