import { type FormEvent, type KeyboardEvent, useEffect, useRef } from 'react';
import { formatTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { type ChatEntry, MAX_CHAT_CHARS, STATUS_TEXT } from './chat-model.js';
import type { ChatStore } from './chat-store.js';

/**
 * The text conversation with the caller. For a deaf or non-verbal caller this
 * is the whole call, so it is on the page in every mode, video or not.
 * Caller messages are announced politely; the caller is told "read" only
 * while this panel is actually on screen.
 */
export function ChatPanel({
  chat,
  canSend,
  closed,
  waiting,
  notOpened = false,
}: {
  chat: ChatStore;
  canSend: boolean;
  /** The session is over: the history stays, the composer goes. */
  closed: boolean;
  /** The session is still loading: nothing to send to yet. */
  waiting: boolean;
  /** The caller has not opened the link yet: messages wait for them. */
  notOpened?: boolean;
}) {
  const st = useStore(chat);
  const sectionRef = useRef<HTMLElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const count = st.messages.length;

  // "Read" must mean the officer could see it: a good part of the panel on screen, in the tab in front.
  useEffect(() => {
    const el = sectionRef.current;
    if (!el) return;
    let onScreen = false;
    const update = () => chat.setVisible(onScreen && document.visibilityState === 'visible');
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          // Half the panel, or 240 px of it when the panel is taller than a short window.
          const seen = e.intersectionRect.height;
          onScreen = e.isIntersecting && seen >= Math.min(240, e.boundingClientRect.height * 0.5);
        }
        update();
      },
      { threshold: [0, 0.1, 0.25, 0.5, 0.75, 1] },
    );
    io.observe(el);
    document.addEventListener('visibilitychange', update);
    return () => {
      io.disconnect();
      document.removeEventListener('visibilitychange', update);
      chat.setVisible(false);
    };
  }, [chat]);

  // Stay at the newest message unless the officer has scrolled up to read older ones.
  useEffect(() => {
    const el = listRef.current;
    if (!el || count === 0) return;
    if (el.dataset.stuck !== 'no') el.scrollTop = el.scrollHeight;
  }, [count]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!waiting) chat.send();
    inputRef.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter is a new line; never while an input method is composing a character.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      if (!waiting) chat.send();
    }
  };

  return (
    <section className="card chat-card" id="chat" aria-labelledby="chat-title" ref={sectionRef}>
      <div className="card-head">
        <h2 id="chat-title">Messages</h2>
        {st.unread > 0 ? (
          <span className="unread-badge" data-testid="chat-unread">
            {st.unread} unread
          </span>
        ) : null}
      </div>
      {st.status === 'error' ? (
        <p className="form-error small" role="alert">
          Earlier messages could not be loaded. {st.error}{' '}
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void chat.load()}>
            Try again
          </button>
        </p>
      ) : null}
      {st.status === 'loading' && !count ? <p className="muted small">Loading messages…</p> : null}
      {st.status === 'ready' && !count ? (
        <p className="muted small chat-empty">
          No messages yet. The caller can write to you from their phone, with or without video.
        </p>
      ) : null}
      {count ? (
        <ol
          className="chat-list"
          ref={listRef}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it (WCAG 2.1.1).
          tabIndex={0}
          aria-label="Conversation with the caller, oldest first"
          onScroll={(e) => {
            const el = e.currentTarget;
            el.dataset.stuck = el.scrollHeight - el.scrollTop - el.clientHeight < 60 ? 'yes' : 'no';
          }}
        >
          {st.messages.map((m) => (
            <Message key={`${m.from}:${m.clientId}`} m={m} onRetry={() => chat.retry(m.clientId)} />
          ))}
        </ol>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {st.announced ? `Message from the caller: ${st.announced.text}` : ''}
      </p>
      {closed ? (
        <p className="muted small chat-closed">The session is over: no more messages can be sent.</p>
      ) : canSend ? (
        <form className="chat-form" onSubmit={onSubmit}>
          <label htmlFor="chat-input">Message to the caller</label>
          <textarea
            id="chat-input"
            ref={inputRef}
            data-testid="chat-input"
            rows={2}
            value={st.draft}
            onChange={(e) => chat.setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            aria-invalid={st.draftError ? true : undefined}
            aria-describedby={st.draftError ? 'chat-input-error' : 'chat-input-hint'}
          />
          <div className="chat-form-row">
            {st.draftError ? (
              <p id="chat-input-error" className="field-error small" role="alert">
                {st.draftError}
              </p>
            ) : waiting ? (
              <p id="chat-input-hint" className="field-hint small">
                Loading the session…
              </p>
            ) : (
              <p id="chat-input-hint" className="field-hint small">
                {notOpened ? 'The caller will see this when they open the link. ' : ''}Enter sends.
                Shift+Enter starts a new line.
                {st.draft.length > MAX_CHAT_CHARS - 200
                  ? ` ${MAX_CHAT_CHARS - st.draft.length} characters left.`
                  : ''}
              </p>
            )}
            <button type="submit" className="btn btn-primary" data-testid="chat-send" disabled={waiting}>
              Send
            </button>
          </div>
        </form>
      ) : (
        <p className="muted small">Your role can read these messages but not send them.</p>
      )}
    </section>
  );
}

const STATUS_MARK = { sending: '…', failed: '!', sent: '✓', delivered: '✓✓', read: '✓✓' } as const;

function Message({ m, onRetry }: { m: ChatEntry; onRetry: () => void }) {
  const officer = m.from === 'officer';
  const who = officer ? (m.mine ? 'You' : (m.officerName ?? 'Officer')) : 'Caller';
  return (
    <li
      className={`chat-msg chat-from-${m.from}`}
      data-testid="chat-message"
      data-from={m.from}
      data-status={officer ? m.status : undefined}
      data-id={m.id ?? undefined}
    >
      <p className="chat-meta">
        <span className="chat-who">{who}</span>
        <time className="chat-time mono" dateTime={new Date(m.at).toISOString()}>
          {formatTime(m.at)}
        </time>
      </p>
      {/* The caller may write Arabic or Urdu: let the text set its own direction. */}
      <p className="chat-text" dir="auto">
        {m.text}
      </p>
      {officer ? (
        <p className={`chat-status chat-status-${m.status}`}>
          <span aria-hidden="true" className="chat-status-mark">
            {STATUS_MARK[m.status]}
          </span>{' '}
          {STATUS_TEXT[m.status]}
          {m.status === 'failed' ? (
            <>
              {m.error ? `: ${m.error}` : ''}{' '}
              <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>
                Send again
              </button>
            </>
          ) : null}
        </p>
      ) : null}
    </li>
  );
}
