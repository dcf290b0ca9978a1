import type { OfficerPosition, Share } from '@sightline/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useApp } from '../app/context.js';
import { Field, fieldAria } from '../lib/Field.js';
import { formatAge, formatClock } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import './shares.css';
import { DURATIONS, isLive, SharePanelStore } from './share-panel-store.js';

/**
 * The control room shares this session (or, given `incidentId`, this incident: every caller in
 * it, now and later) with named field officers, and stops sharing.
 */
export function SharePanel({
  sessionId,
  incidentId,
  over,
}: {
  sessionId?: string;
  incidentId?: string;
  over: boolean;
}) {
  const { api, socket, ticker } = useApp();
  const [store] = useState(
    () => new SharePanelStore(incidentId ? { incidentId } : { sessionId: sessionId ?? '' }, api),
  );
  const what = incidentId ? 'incident' : 'session';
  const st = useStore(store.state);
  const now = useStore(ticker);
  useEffect(() => {
    store.connect(socket);
    void store.load();
    return () => store.dispose();
  }, [store, socket]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.share();
  };
  const live = st.shares.filter((s) => isLive(s, now));
  const past = st.shares.filter((s) => !isLive(s, now)).slice(0, 5);

  return (
    <section className="card share-panel" aria-labelledby="share-title" data-testid="share-panel">
      <div className="card-head">
        <h2 id="share-title">Field officers</h2>
      </div>
      {live.length ? (
        <ul className="share-list" aria-label="Shared now">
          {live.map((s) => (
            <li key={s.id} className="share-row" data-testid="share-row">
              <span>
                <strong>{s.officer.name}</strong>{' '}
                <span className="muted">
                  until {formatClock(s.expiresAt, now)}
                  {s.openedAt ? ' · opened' : ' · not opened yet'}
                </span>
              </span>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                disabled={st.busy}
                onClick={() => void store.revoke(s.id)}
              >
                Stop sharing<span className="visually-hidden"> with {s.officer.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Not shared with any field officer.</p>
      )}
      {over ? null : (
        <form className="stack share-form" onSubmit={onSubmit} noValidate aria-labelledby="share-form-title">
          <h3 id="share-form-title">Share this {what}</h3>
          {incidentId ? (
            <p className="muted">They see every caller in the incident, including callers added later.</p>
          ) : null}
          {st.officers.length ? (
            <fieldset className="roles">
              <legend>Field officers</legend>
              {st.officers.map((o) => (
                <label key={o.id} className="check">
                  <input
                    type="checkbox"
                    value={o.id}
                    checked={st.selected.includes(o.id)}
                    onChange={(e) => store.toggle(o.id, e.target.checked)}
                  />
                  {o.name}
                </label>
              ))}
            </fieldset>
          ) : st.status === 'ready' ? (
            <p className="muted">No field officer accounts exist yet.</p>
          ) : null}
          <Field id="share-duration" label="Share for" hint="Access ends by itself after this.">
            <select
              {...fieldAria('share-duration', 'Access ends by itself after this.', null)}
              value={st.durationSeconds}
              onChange={(e) => store.setDuration(Number(e.target.value))}
            >
              {DURATIONS.map((d) => (
                <option key={d.seconds} value={d.seconds}>
                  {d.label}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" className="btn btn-primary" disabled={st.busy || !st.officers.length}>
            Share live video and location
          </button>
        </form>
      )}
      <div role="status" className="share-status">
        {st.notice ? <p className="success">{st.notice}</p> : null}
      </div>
      {st.error ? (
        <p className="form-error" role="alert">
          {st.error}
        </p>
      ) : null}
      {past.length ? (
        <details className="share-past">
          <summary>Earlier shares</summary>
          <ul>
            {past.map((s) => (
              <li key={s.id}>
                {s.officer.name}: {endText(s)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function endText(s: Share): string {
  if (s.endReason === 'revoked') return 'stopped by the control room';
  if (s.endReason === 'session-ended') return 'ended with the session';
  return 'expired';
}

/** Field officers sharing their position: name, accuracy and age, beside the map. */
export function OfficerPositionsList({ positions }: { positions: readonly OfficerPosition[] }) {
  const { ticker } = useApp();
  const now = useStore(ticker);
  if (!positions.length) return null;
  return (
    <section className="card officer-positions" aria-labelledby="officer-positions-title">
      <h2 id="officer-positions-title">Field officers on the map</h2>
      <ul>
        {positions.map((p) => (
          <li key={p.shareId} data-testid="officer-position">
            <span className="officer-swatch" aria-hidden="true" />
            <strong>{p.name}</strong> ±{Math.round(p.accuracy)} m · {formatAge(now - p.receivedAt)} ago
          </li>
        ))}
      </ul>
    </section>
  );
}
