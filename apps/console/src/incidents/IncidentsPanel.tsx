import { type FormEvent, useEffect, useState } from 'react';
import { useApp, useCan } from '../app/context.js';
import { Link } from '../app/Link.js';
import { fieldAria } from '../lib/Field.js';
import { formatWhen } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { CreateIncidentForm } from './create-incident.js';

/** The dashboard's open incidents, each a link to its page, and "create an incident". */
export function IncidentsPanel() {
  const { incidents, ticker } = useApp();
  const can = useCan();
  const st = useStore(incidents);
  const now = useStore(ticker);
  useEffect(() => {
    void incidents.load();
  }, [incidents]);

  return (
    <section className="card incidents-card" aria-labelledby="incidents-title">
      <div className="card-head">
        <h2 id="incidents-title">Open incidents</h2>
        <span className="muted">{st.incidents.length}</span>
      </div>
      {st.status === 'error' ? <p className="form-error">{st.error}</p> : null}
      {st.status === 'ready' && st.incidents.length === 0 ? (
        <p className="muted">No open incidents.</p>
      ) : null}
      <ul className="incident-list" data-testid="incident-list">
        {st.incidents.map((i) => (
          <li key={i.id}>
            <Link href={`/incidents/${i.id}`}>{i.title}</Link>
            <span className="muted small">
              {' '}
              {i.cadReference ? `${i.cadReference} · ` : ''}
              {i.sessionIds.length === 1 ? '1 caller' : `${i.sessionIds.length} callers`} · opened{' '}
              {formatWhen(i.createdAt, now)}
            </span>
          </li>
        ))}
      </ul>
      {can('incident:create') ? <CreateIncident /> : null}
    </section>
  );
}

/** "Create an incident": a title and the CAD reference if known; optionally with the session on screen. */
export function CreateIncident({ sessionId = null }: { sessionId?: string | null }) {
  const { api, router, incidents } = useApp();
  const [form] = useState(() => new CreateIncidentForm(api, sessionId));
  const { title, cadReference, sending, errors } = useStore(form);
  const prefix = sessionId ? 'session-incident' : 'new-incident';

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const created = await form.submit();
    if (created) {
      incidents.upsert(created);
      router.navigate(`/incidents/${created.id}`);
    }
  };

  return (
    <form className="create-incident" onSubmit={onSubmit} noValidate aria-labelledby={`${prefix}-heading`}>
      <h3 id={`${prefix}-heading`} className="h3">
        {sessionId ? 'Start an incident with this session' : 'Create an incident'}
      </h3>
      <div className="field">
        <label htmlFor={`${prefix}-title`}>Title</label>
        <input
          {...fieldAria(`${prefix}-title`, null, errors.title)}
          data-testid="incident-title-input"
          autoComplete="off"
          placeholder="e.g. Fight outside the Red Lion"
          value={title}
          onChange={(e) => form.setTitle(e.target.value)}
        />
        {errors.title ? (
          <p id={`${prefix}-title-error`} className="field-error" role="alert">
            {errors.title}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-cad`}>CAD reference (optional)</label>
        <input
          {...fieldAria(`${prefix}-cad`, null, errors.cadReference)}
          data-testid="incident-cad-input"
          autoComplete="off"
          placeholder="e.g. CAD 1234/28NOV"
          value={cadReference}
          onChange={(e) => form.setCadReference(e.target.value)}
        />
        {errors.cadReference ? (
          <p id={`${prefix}-cad-error`} className="field-error" role="alert">
            {errors.cadReference}
          </p>
        ) : null}
      </div>
      <button type="submit" className="btn btn-primary" data-testid="incident-create" disabled={sending}>
        {sending ? 'Creating…' : 'Create incident'}
      </button>
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
    </form>
  );
}
