import { type FormEvent, useEffect } from 'react';
import { useApp, useCan } from '../app/context.js';
import { Link } from '../app/Link.js';
import { evidencePath } from '../app/router.js';
import { usePageTitle } from '../app/use-page-title.js';
import { ExportDialog } from '../exports/ExportDialog.js';
import { Field, fieldAria } from '../lib/Field.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { StateBadge } from '../sessions/StateBadge.js';
import { MAX_EXPORT_SESSIONS } from './sar-store.js';

/**
 * Subject access requests: find every session with the requester's phone
 * number, redact third parties in each, then export what the subject may see.
 */
export function SarPage() {
  const { sar, sarExport, policies } = useApp();
  const can = useCan();
  const st = useStore(sar);
  usePageTitle('Subject access');
  useEffect(() => {
    void policies.load();
  }, [policies]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void sar.search();
  };
  const err = st.errors;
  const allSelected =
    st.results.length > 0 && st.selected.length === Math.min(st.results.length, MAX_EXPORT_SESSIONS);

  return (
    <main id="main" className="page sar-page" tabIndex={-1}>
      <h1>Subject access</h1>
      <section className="card" aria-labelledby="sar-search-title">
        <h2 id="sar-search-title" className="visually-hidden">
          Search
        </h2>
        <form className="search-form" onSubmit={onSubmit} noValidate>
          <Field
            id="sar-phone"
            label="Subject's phone number"
            hint="Any format; matched on the full number."
            error={err.phone}
          >
            <input
              {...fieldAria('sar-phone', 'y', err.phone)}
              data-testid="sar-phone"
              type="tel"
              autoComplete="off"
              value={st.form.phone}
              onChange={(e) => sar.setField('phone', e.target.value)}
            />
          </Field>
          <Field id="sar-from" label="From" error={err.from}>
            <input
              {...fieldAria('sar-from', null, err.from)}
              data-testid="sar-from"
              type="date"
              value={st.form.from}
              onChange={(e) => sar.setField('from', e.target.value)}
            />
          </Field>
          <Field id="sar-to" label="To" error={err.to}>
            <input
              {...fieldAria('sar-to', null, err.to)}
              data-testid="sar-to"
              type="date"
              value={st.form.to}
              onChange={(e) => sar.setField('to', e.target.value)}
            />
          </Field>
          <div className="search-actions">
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="sar-search"
              disabled={st.status === 'loading'}
            >
              {st.status === 'loading' ? 'Searching…' : 'Search'}
            </button>
          </div>
        </form>
      </section>

      <section className="card" aria-labelledby="sar-results-title" aria-busy={st.status === 'loading'}>
        <div className="card-head">
          <h2 id="sar-results-title">Sessions with this number</h2>
          {can('evidence:export') ? (
            <div className="head-actions">
              <ExportDialog
                store={sarExport}
                openLabel={`Export for subject access (${st.selected.length})`}
                title="Export for subject access"
                what={`A signed zip of the ${st.selected.length} selected session${st.selected.length === 1 ? '' : 's'} for the data subject: redacted copies and reports only. Sessions without a redacted copy contribute no video.`}
                disabled={st.selected.length === 0}
              />
            </div>
          ) : null}
        </div>
        {st.status === 'error' ? (
          <p className="form-error" role="alert">
            {st.error}
          </p>
        ) : null}
        {st.status === 'ready' && !st.results.length ? (
          <p className="empty">No sessions with this number.</p>
        ) : null}
        {st.results.length ? (
          <>
            <p className="small muted" role="status">
              {st.results.length} found, {st.selected.length} selected for export
              {st.results.length > MAX_EXPORT_SESSIONS ? ` (at most ${MAX_EXPORT_SESSIONS} per export)` : ''}.
            </p>
            <div className="table-wrap">
              <table className="table sar-table">
                <thead>
                  <tr>
                    <th scope="col">
                      <label className="check check-compact">
                        <input
                          type="checkbox"
                          checked={allSelected}
                          onChange={(e) => sar.selectAll(e.target.checked)}
                        />
                        <span className="visually-hidden">Select all</span>
                      </label>
                    </th>
                    <th scope="col">Reference</th>
                    <th scope="col">Mobile</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                    <th scope="col">Evidence</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {st.results.map((s) => {
                    const name = s.reference ?? `session of ${formatDateTime(s.createdAt)}`;
                    return (
                      <tr key={s.id} data-testid="sar-row" data-session-id={s.id}>
                        <td>
                          <label className="check check-compact">
                            <input
                              type="checkbox"
                              data-testid="sar-select"
                              checked={st.selected.includes(s.id)}
                              onChange={(e) => sar.toggle(s.id, e.target.checked)}
                            />
                            <span className="visually-hidden">Include {name} in the export</span>
                          </label>
                        </td>
                        <td>{s.reference ?? <span className="muted">No reference</span>}</td>
                        <td className="mono">{s.phoneMasked}</td>
                        <td>
                          <StateBadge state={s.state} />
                        </td>
                        <td>{formatDateTime(s.createdAt)}</td>
                        <td>{s.evidenceCount}</td>
                        <td className="row-actions">
                          {can('evidence:redact') ? (
                            <Link
                              href={evidencePath(s.id, true)}
                              className="btn btn-secondary btn-small"
                              data-testid="sar-redact"
                              aria-label={`Redact ${name}`}
                            >
                              Redact
                            </Link>
                          ) : null}
                          <Link
                            href={evidencePath(s.id)}
                            className="btn btn-quiet btn-small"
                            aria-label={`Open ${name}`}
                          >
                            Open
                          </Link>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </section>
    </main>
  );
}
