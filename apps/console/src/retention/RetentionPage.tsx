import { useEffect, useState } from 'react';
import { useApp } from '../app/context.js';
import { Link } from '../app/Link.js';
import { evidencePath } from '../app/router.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatDate } from '../lib/dates.js';
import { formatBytes, formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { policyLabel } from './retention-model.js';
import { disposalBytes, RetentionPageStore } from './retention-page-store.js';

/**
 * Retention at a glance: what is due for review, and what the next disposal
 * run would delete (a dry run: nothing is deleted from this page).
 */
export function RetentionPage() {
  const { api, policies } = useApp();
  const [store] = useState(() => new RetentionPageStore(api));
  const { queue, disposal } = useStore(store);
  const pol = useStore(policies).policies;
  usePageTitle('Retention');
  useEffect(() => {
    void policies.load();
    void store.load();
  }, [store, policies]);

  const report = disposal.data;
  return (
    <main id="main" className="page retention-page" tabIndex={-1}>
      <h1>Retention</h1>

      <section className="card" aria-labelledby="review-title" aria-busy={queue.status === 'loading'}>
        <div className="card-head">
          <h2 id="review-title">Due for review</h2>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => void store.loadQueue()}
          >
            Refresh
          </button>
        </div>
        <p className="small muted">
          Open a session to record the review: keep it (with a reason) or let it be disposed of.
        </p>
        {queue.status === 'error' ? (
          <p className="form-error" role="alert">
            {queue.error}
          </p>
        ) : null}
        {queue.status === 'ready' && !queue.data.length ? <p className="empty">No reviews are due.</p> : null}
        {queue.data.length ? (
          <div className="table-wrap">
            <table className="table session-table">
              <thead>
                <tr>
                  <th scope="col">Reference</th>
                  <th scope="col">Mobile</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Review due</th>
                  <th scope="col">Keep until</th>
                  <th scope="col">Hold</th>
                </tr>
              </thead>
              <tbody>
                {queue.data.map((s) => (
                  <tr key={s.id} data-testid="review-row" data-session-id={s.id}>
                    <td>
                      <Link href={evidencePath(s.id)} className="row-link">
                        {s.reference ?? <span className="muted">No reference</span>}
                      </Link>
                    </td>
                    <td className="mono">{s.phoneMasked}</td>
                    <td>{policyLabel(pol, s.policyId) ?? 'Not classified'}</td>
                    <td>{s.reviewDueAt !== null ? formatDate(s.reviewDueAt) : '—'}</td>
                    <td>{s.retainUntil !== null ? formatDate(s.retainUntil) : '—'}</td>
                    <td>{s.legalHold ? <span className="tag tag-hold">Legal hold</span> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="disposal-title" aria-busy={disposal.status === 'loading'}>
        <div className="card-head">
          <h2 id="disposal-title">Disposal: dry run</h2>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => void store.loadDisposal()}
          >
            Run again
          </button>
        </div>
        {disposal.status === 'error' ? (
          <p className="form-error" role="alert">
            {disposal.error}
          </p>
        ) : null}
        {report ? (
          <p className="small" data-testid="disposal-summary">
            As of {formatDateTime(report.at)}, the next disposal run would delete the files of{' '}
            <strong>{report.candidates.length}</strong> session{report.candidates.length === 1 ? '' : 's'} (
            {formatBytes(disposalBytes(report))}). Sessions on legal hold are never included. Each file's hash
            is kept as the record of what was deleted.
          </p>
        ) : null}
        {report?.refused.length ? (
          <div className="banner banner-warning" role="alert" data-testid="disposal-refused">
            <p>
              <strong className="banner-title">
                {report.refused.length} session{report.refused.length === 1 ? '' : 's'} will not be disposed
                of:
              </strong>{' '}
              the retention date is before the session was created, which no valid classification gives. Check
              and reclassify {report.refused.length === 1 ? 'it' : 'them'}.
            </p>
            <ul>
              {report.refused.map((r) => (
                <li key={r.sessionId} data-session-id={r.sessionId}>
                  <Link href={evidencePath(r.sessionId)}>{r.reference ?? 'No reference'}</Link>: {r.why}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {report?.candidates.length ? (
          <div className="table-wrap">
            <table className="table disposal-table">
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Kept until</th>
                  <th scope="col">Why</th>
                  <th scope="col">Files to delete</th>
                </tr>
              </thead>
              <tbody>
                {report.candidates.map((c) => (
                  <tr key={c.sessionId} data-testid="disposal-row" data-session-id={c.sessionId}>
                    <td>
                      <Link href={evidencePath(c.sessionId)}>{c.reference ?? 'No reference'}</Link>
                    </td>
                    <td>{policyLabel(pol, c.policyId) ?? 'Not classified'}</td>
                    <td>{formatDate(c.retainUntil)}</td>
                    <td className="detail">{c.why}</td>
                    <td>
                      <ul className="disposal-files">
                        {c.items.map((i) => (
                          <li key={i.id}>
                            <span>{i.fileName}</span> <span className="muted">{formatBytes(i.size)}</span>
                            <code className="mono ev-hash-value">{i.sha256}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : report ? (
          <p className="empty">Nothing would be deleted.</p>
        ) : null}
      </section>
    </main>
  );
}
