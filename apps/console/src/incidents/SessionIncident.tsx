import type { SessionSummary } from '@sightline/protocol';
import { useEffect, useState } from 'react';
import { useApp, useCan } from '../app/context.js';
import { Link } from '../app/Link.js';
import { useStore } from '../lib/use-store.js';
import { AddToIncident } from './add-to-incident.js';
import { CreateIncident } from './IncidentsPanel.js';

/**
 * The session page's incident: which one it is in (with a link), and, for those who may,
 * "add this session to an incident" (moving it if it is in another), take it out, or start one.
 */
export function SessionIncident({ session }: { session: SessionSummary }) {
  const { api, incidents, sessions } = useApp();
  const can = useCan();
  const list = useStore(incidents);
  const [add] = useState(() => new AddToIncident(session.id, api, (s) => sessions.upsert(s)));
  const st = useStore(add);
  useEffect(() => {
    if (list.status === 'idle') void incidents.load();
  }, [incidents, list.status]);
  const current = list.incidents.find((i) => i.id === session.incidentId) ?? null;
  const others = list.incidents.filter((i) => i.id !== session.incidentId);
  const manage = can('incident:manage');

  return (
    <section className="card session-incident" aria-labelledby="session-incident-title">
      <h2 id="session-incident-title">Incident</h2>
      {session.incidentId ? (
        <p data-testid="session-incident">
          Part of{' '}
          <Link href={`/incidents/${session.incidentId}`}>{current ? current.title : 'an incident'}</Link>
          {current?.cadReference ? ` (${current.cadReference})` : ''}.{' '}
          {manage ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={st.sending}
              onClick={() => void add.remove()}
            >
              Take out of the incident
            </button>
          ) : null}
        </p>
      ) : (
        <p className="muted">Not part of an incident.</p>
      )}
      {manage && others.length > 0 ? (
        <form
          className="add-to-incident"
          onSubmit={(e) => {
            e.preventDefault();
            void add.add();
          }}
        >
          <label htmlFor="add-to-incident">
            {session.incidentId ? 'Move to another incident' : 'Add this session to an incident'}
          </label>
          <select
            id="add-to-incident"
            data-testid="add-to-incident"
            value={st.choice}
            onChange={(e) => add.choose(e.target.value)}
          >
            <option value="">Choose an open incident…</option>
            {others.map((i) => (
              <option key={i.id} value={i.id}>
                {i.title}
                {i.cadReference ? ` (${i.cadReference})` : ''}
              </option>
            ))}
          </select>
          <button
            type="submit"
            className="btn btn-primary btn-small"
            data-testid="add-to-incident-submit"
            disabled={st.sending}
          >
            {session.incidentId ? 'Move' : 'Add'}
          </button>
        </form>
      ) : null}
      {st.error ? (
        <p className="form-error" role="alert">
          {st.error}
        </p>
      ) : null}
      {!session.incidentId && can('incident:create') ? <CreateIncident sessionId={session.id} /> : null}
    </section>
  );
}
