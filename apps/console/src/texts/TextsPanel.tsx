import type { SessionSummary } from '@sightline/protocol';
import { useEffect, useMemo } from 'react';
import { useApp, useCan } from '../app/context.js';
import { formatTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { TextBadge } from './TextBadge.js';
import { canResend, gatewayName, textDetail, textVersion } from './text-status.js';
import { TextsStore } from './texts-store.js';

/**
 * The link's texts on the session page: the newest one's state up front (an alert when it
 * failed), every attempt below, and, while the link is unopened, buttons to send it again by
 * the same route or the other one.
 */
export function TextsPanel({ session }: { session: SessionSummary }) {
  const { api, ticker } = useApp();
  const can = useCan();
  const now = useStore(ticker);
  const store = useMemo(() => new TextsStore(api, session.id), [api, session.id]);
  const state = useStore(store);
  const version = textVersion(session.text);
  // Reload whenever the summary says the newest text changed (a receipt, a resend elsewhere).
  useEffect(() => {
    if (version) void store.load();
  }, [store, version]);
  if (!session.text) return null;

  const resendable = can('session:create') && canResend(session, now);
  const fallback = state.gateways?.fallback ?? null;
  return (
    <section className="texts-panel" aria-labelledby="texts-title" data-testid="texts-panel">
      <h2 id="texts-title" className="h3">
        Text message
      </h2>
      <TextBadge text={session.text} detail testId="text-status" />
      {state.texts.length > 1 ? (
        <ol className="texts-list" data-testid="texts-list">
          {state.texts.map((t) => (
            <li key={t.id} data-status={t.status}>
              <span className="muted">{formatTime(t.createdAt)}</span> {textDetail(t)}
            </li>
          ))}
        </ol>
      ) : null}
      {resendable ? (
        <div className="texts-actions">
          <button
            type="button"
            className="btn btn-secondary btn-small"
            data-testid="text-resend"
            disabled={state.sending !== null}
            onClick={() => void store.resend('primary')}
          >
            {state.sending === 'primary' ? 'Sending…' : 'Send the link again'}
          </button>
          {fallback ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              data-testid="text-resend-fallback"
              disabled={state.sending !== null}
              onClick={() => void store.resend('fallback')}
            >
              {state.sending === 'fallback' ? 'Sending…' : `Send by ${gatewayName(fallback)}`}
            </button>
          ) : null}
        </div>
      ) : null}
      {state.error ? (
        <p className="form-error" role="alert" data-testid="text-resend-error">
          {state.error}
        </p>
      ) : null}
      <p className="visually-hidden" role="status">
        {state.notice ?? ''}
      </p>
    </section>
  );
}
