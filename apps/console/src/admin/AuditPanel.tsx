import { type FormEvent, useEffect } from 'react';
import { useApp } from '../app/context.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { AUDIT_LIMIT, formatAuditDetail } from './audit-store.js';

/** The latest audit entries, newest first, with simple filters. */
export function AuditPanel() {
  const { audit } = useApp();
  const { status, entries, error, filter } = useStore(audit);
  useEffect(() => {
    void audit.load();
  }, [audit]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void audit.load();
  };

  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="card-head">
        <h2 id="audit-title">Audit log</h2>
        <span className="muted">Latest {AUDIT_LIMIT}</span>
      </div>
      <form className="filter-row" onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input
            id="audit-action"
            placeholder="e.g. session.end"
            value={filter.action}
            onChange={(e) => audit.setFilter({ action: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-subject">Subject id</label>
          <input
            id="audit-subject"
            className="mono"
            value={filter.subjectId}
            onChange={(e) => audit.setFilter({ subjectId: e.target.value })}
          />
        </div>
        <button type="submit" className="btn btn-secondary">
          {status === 'loading' ? 'Loading…' : 'Show'}
        </button>
      </form>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <section
        className="table-wrap table-scroll"
        aria-label="Audit entries"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the table scrolls and holds no controls; a keyboard must reach it to scroll (WCAG 2.1.1).
        tabIndex={0}
      >
        <table className="table audit-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Subject</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="mono nowrap">{formatDateTime(e.at)}</td>
                <td>{e.actorName ?? e.actorType}</td>
                <td className="mono">{e.action}</td>
                <td className="mono small">{e.subjectType ? `${e.subjectType} ${e.subjectId ?? ''}` : ''}</td>
                <td className="small detail">{formatAuditDetail(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {status === 'ready' && !entries.length ? <p className="empty">No matching entries.</p> : null}
      </section>
    </section>
  );
}
