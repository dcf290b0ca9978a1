import { useEffect } from 'react';
import { useApp, useCan } from '../app/context.js';
import { Link } from '../app/Link.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { AuditPanel } from './AuditPanel.js';
import { OfficersPanel } from './OfficersPanel.js';

/** Administration: officer accounts (admins), the audit trail and media-server status (supervisors, admins). */
export function AdminPage() {
  const can = useCan();
  usePageTitle('Admin');
  return (
    <main id="main" className="page admin-page" tabIndex={-1}>
      <h1>Administration</h1>
      {can('turn:check') ? (
        <p>
          <Link href="/admin/turn">TURN relay settings</Link>
        </p>
      ) : null}
      {can('webhook:manage') ? (
        <p>
          <Link href="/admin/webhooks">Webhooks (CAD integration)</Link>
        </p>
      ) : null}
      {can('officer:manage') ? (
        <p>
          <Link href="/admin/sign-in">Sign-in settings (single sign-on and two-step sign-in)</Link>
        </p>
      ) : null}
      {can('api-client:manage') ? (
        <p>
          <Link href="/admin/api-clients">API clients (CAD and other systems)</Link>
        </p>
      ) : null}
      {can('system:read') ? <SystemPanel /> : null}
      {can('officer:manage') ? <OfficersPanel /> : null}
      {can('audit:read') ? <AuditPanel /> : null}
    </main>
  );
}

function SystemPanel() {
  const { system, media } = useApp();
  const { status, data, error } = useStore(system);
  // The socket's copy is newer than the last fetch once it arrives.
  const live = useStore(media).status ?? data?.media ?? null;
  useEffect(() => {
    void system.load();
  }, [system]);

  return (
    <section className="card" aria-labelledby="system-title">
      <div className="card-head">
        <h2 id="system-title">Media server</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => void system.load()}>
          Refresh
        </button>
      </div>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {live ? (
        <dl className="facts">
          <div>
            <dt>State</dt>
            <dd>
              <span className={`tag tag-media-${live.state}`}>{live.state}</span>
            </dd>
          </div>
          <div>
            <dt>Since</dt>
            <dd>{formatDateTime(live.since)}</dd>
          </div>
          <div>
            <dt>Restarts</dt>
            <dd>{live.restarts}</dd>
          </div>
          <div>
            <dt>Managed by Sightline</dt>
            <dd>{live.managed ? 'Yes' : 'No (external)'}</dd>
          </div>
          <div className="facts-wide">
            <dt>Last error</dt>
            <dd>{live.lastError ?? 'None'}</dd>
          </div>
          {data ? (
            <div>
              <dt>Server version</dt>
              <dd className="mono">{data.version}</dd>
            </div>
          ) : null}
          {data
            ? (['evidence', 'spool'] as const).map((area) => (
                <div key={area} className="facts-wide">
                  <dt>{area === 'evidence' ? 'Evidence store' : 'Spool (data directory)'}</dt>
                  <dd data-testid={`storage-${area}`}>
                    {data.storage[area].state === 'ok'
                      ? 'Writable'
                      : `${data.storage[area].message} (since ${formatDateTime(data.storage[area].since)})`}
                  </dd>
                </div>
              ))
            : null}
        </dl>
      ) : status === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : null}
    </section>
  );
}
