import type { LibrarySession, RetentionPolicy, SessionState } from '@sightline/protocol';
import { type FormEvent, useEffect } from 'react';
import { useApp } from '../app/context.js';
import { Link } from '../app/Link.js';
import { evidencePath } from '../app/router.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatDate } from '../lib/dates.js';
import { Field, fieldAria } from '../lib/Field.js';
import { formatWhen } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { policyLabel } from '../retention/retention-model.js';
import { StateBadge } from '../sessions/StateBadge.js';

const STATES: SessionState[] = ['sent', 'opened', 'consented', 'refused', 'live', 'ended', 'expired'];

/** The evidence library: find any session by reference, number, officer, state, policy or date. */
export function LibraryPage() {
  const { library, policies } = useApp();
  const st = useStore(library);
  const pol = useStore(policies);
  usePageTitle('Evidence library');

  useEffect(() => {
    void policies.load();
    // Opening the library shows the newest sessions straight away; the form narrows them down.
    if (!library.get().searched && library.get().status === 'idle') void library.search();
  }, [library, policies]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void library.search();
  };
  const f = st.form;
  const err = st.errors;
  const set = library.setField.bind(library);

  return (
    <main id="main" className="page library-page" tabIndex={-1}>
      <h1>Evidence library</h1>
      <section className="card" aria-labelledby="library-search-title">
        <h2 id="library-search-title" className="visually-hidden">
          Search
        </h2>
        <form className="search-form" onSubmit={onSubmit} noValidate>
          <Field id="library-reference" label="Incident reference" error={err.reference}>
            <input
              {...fieldAria('library-reference', null, err.reference)}
              data-testid="library-reference"
              autoComplete="off"
              value={f.reference}
              onChange={(e) => set('reference', e.target.value)}
            />
          </Field>
          <Field id="library-phone" label="Phone number" error={err.phone}>
            <input
              {...fieldAria('library-phone', null, err.phone)}
              data-testid="library-phone"
              type="tel"
              autoComplete="off"
              value={f.phone}
              onChange={(e) => set('phone', e.target.value)}
            />
          </Field>
          <Field id="library-officer" label="Officer" error={err.officer}>
            <input
              {...fieldAria('library-officer', null, err.officer)}
              data-testid="library-officer"
              autoComplete="off"
              placeholder="Name or username"
              value={f.officer}
              onChange={(e) => set('officer', e.target.value)}
            />
          </Field>
          <Field id="library-state" label="State">
            <select
              id="library-state"
              data-testid="library-state"
              value={f.state}
              onChange={(e) => set('state', e.target.value as SessionState | '')}
            >
              <option value="">Any state</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          {pol.status === 'ready' ? (
            <Field id="library-policy" label="Retention policy">
              <select
                id="library-policy"
                data-testid="library-policy"
                value={f.policyId}
                onChange={(e) => set('policyId', e.target.value)}
              >
                <option value="">Any policy</option>
                {pol.policies.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <Field id="library-from" label="Created from" error={err.from}>
            <input
              {...fieldAria('library-from', null, err.from)}
              data-testid="library-from"
              type="date"
              value={f.from}
              onChange={(e) => set('from', e.target.value)}
            />
          </Field>
          <Field id="library-to" label="Created to" error={err.to}>
            <input
              {...fieldAria('library-to', null, err.to)}
              data-testid="library-to"
              type="date"
              value={f.to}
              onChange={(e) => set('to', e.target.value)}
            />
          </Field>
          <div className="search-actions">
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="library-search"
              disabled={st.status === 'loading'}
            >
              {st.status === 'loading' ? 'Searching…' : 'Search'}
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => library.clearForm()}>
              Clear
            </button>
          </div>
        </form>
      </section>
      <Results
        sessions={st.results}
        status={st.status}
        error={st.error}
        searched={st.searched}
        policies={pol.policies}
      />
    </main>
  );
}

function Results(props: {
  sessions: LibrarySession[];
  status: string;
  error: string | null;
  searched: boolean;
  policies: RetentionPolicy[];
}) {
  const { ticker } = useApp();
  const now = useStore(ticker);
  return (
    <section className="card" aria-labelledby="library-results-title" aria-busy={props.status === 'loading'}>
      <div className="card-head">
        <h2 id="library-results-title">Sessions</h2>
        <span className="muted" role="status">
          {props.status === 'ready' ? `${props.sessions.length} found` : ''}
        </span>
      </div>
      {props.status === 'error' ? (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.searched && props.status === 'ready' && !props.sessions.length ? (
        <p className="empty">No sessions match this search.</p>
      ) : null}
      {props.sessions.length ? (
        <div className="table-wrap">
          <table className="table session-table library-table">
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">Mobile</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Created by</th>
                <th scope="col">Policy</th>
                <th scope="col">Hold</th>
                <th scope="col">Keep until</th>
                <th scope="col">Evidence</th>
              </tr>
            </thead>
            <tbody>
              {props.sessions.map((s) => (
                <tr key={s.id} data-testid="library-row" data-session-id={s.id}>
                  <td>
                    <Link href={evidencePath(s.id)} className="row-link">
                      {s.reference ?? <span className="muted">No reference</span>}
                    </Link>
                  </td>
                  <td className="mono">{s.phoneMasked}</td>
                  <td>
                    <StateBadge state={s.state} />
                  </td>
                  <td>{formatWhen(s.createdAt, now)}</td>
                  <td>{s.createdBy.name}</td>
                  <td>
                    {policyLabel(props.policies, s.policyId) ?? <span className="muted">Not classified</span>}
                  </td>
                  <td>{s.legalHold ? <span className="tag tag-hold">Legal hold</span> : null}</td>
                  <td>
                    {s.disposedAt !== null ? (
                      <span className="tag tag-disposed">Disposed</span>
                    ) : s.retainUntil !== null ? (
                      formatDate(s.retainUntil)
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>{s.evidenceCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
