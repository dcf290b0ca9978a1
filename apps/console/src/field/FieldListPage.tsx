import type { FieldShare } from '@sightline/protocol';
import { useEffect, useState } from 'react';
import { useApp } from '../app/context.js';
import { Link } from '../app/Link.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatClock } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import './field.css';
import { FieldListStore } from './field-list-store.js';
import { formatRemaining } from './relative.js';
import { useFieldTheme } from './use-field-theme.js';

/** A field officer's home: the sessions the control room has shared with them now. */
export function FieldListPage() {
  const { api, socket, ticker } = useApp();
  const [store] = useState(() => new FieldListStore(api));
  const st = useStore(store.state);
  const now = useStore(ticker);
  usePageTitle('Shared with me');
  useFieldTheme();
  useEffect(() => {
    store.connect(socket);
    void store.load();
    return () => store.dispose();
  }, [store, socket]);

  const live = st.shares.filter((s) => s.expiresAt > now);
  return (
    <main id="main" className="page field-page" tabIndex={-1}>
      <h1>Shared with me</h1>
      {st.status === 'error' ? (
        <p className="form-error" role="alert">
          {st.error}
        </p>
      ) : null}
      {st.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {st.status === 'ready' && live.length === 0 ? (
        <p className="field-empty" data-testid="field-empty">
          Nothing is shared with you now. When the control room shares a caller with you, it appears here.
        </p>
      ) : null}
      <ul className="field-shares">
        {live.map((s) => (
          <li key={s.id}>
            <Link
              href={`/field/${encodeURIComponent(s.id)}`}
              className="field-share-link"
              data-testid="field-share"
            >
              <span className="field-share-title">
                {s.incident ? `Incident: ${s.incident.title}` : (s.session?.reference ?? 'Caller')}
              </span>
              <span className="field-share-meta">
                Shared by {s.sharedBy.name} · {whatIsShared(s)} · ends {formatClock(s.expiresAt, now)} (in{' '}
                {formatRemaining(s.expiresAt - now)})
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}

/** "live video", "no video now", or how many callers a shared incident has. */
function whatIsShared(s: FieldShare): string {
  if (s.incident) return `${s.incident.callers.length} caller${s.incident.callers.length === 1 ? '' : 's'}`;
  return s.session?.publishing ? 'live video' : 'no video now';
}
