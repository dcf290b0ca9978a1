import type { WebhookDelivery } from '@sightline/protocol';
import { type FormEvent, useEffect, useMemo } from 'react';
import { ApprovalsPanel } from '../admin/ApprovalsPanel.js';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { describeAttempt, WEBHOOK_EVENTS, WebhooksStore } from './webhooks-store.js';

const label = (type: string) => WEBHOOK_EVENTS.find((e) => e.type === type)?.label ?? type;

/** Admins: the CAD systems' webhook endpoints, recent deliveries and the dead-letter list. */
export function WebhooksPage() {
  const { api } = useApp();
  usePageTitle('Webhooks');
  const store = useMemo(() => new WebhooksStore(api), [api]);
  const st = useStore(store);
  useEffect(() => {
    void store.load();
  }, [store]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.submit();
  };

  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>Webhooks</h1>
      <p className="muted">
        Sightline tells the force's CAD system what happens to each session by signed HTTPS requests. Each
        endpoint has its own signing secret, shown once when it is created or rotated.
      </p>
      {st.error ? (
        <p className="form-error" role="alert">
          {st.error}
        </p>
      ) : null}
      {st.revealed ? (
        <section className="card" aria-labelledby="webhook-secret-title" data-testid="webhook-secret">
          <h2 id="webhook-secret-title">Signing secret</h2>
          <p>Copy it into the receiving system now: it is not shown again.</p>
          <p className="mono">{st.revealed.secret}</p>
          <button type="button" className="btn" onClick={() => store.dismissSecret()}>
            I have copied it
          </button>
        </section>
      ) : null}

      <ApprovalsPanel kind="webhook" onDecided={() => void store.load()} />
      <section className="card" aria-labelledby="webhook-endpoints-title">
        <h2 id="webhook-endpoints-title">Endpoints</h2>
        {st.endpoints.length === 0 ? (
          <p className="muted">No endpoints yet.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {st.endpoints.map((e) => (
                <tr key={e.id} data-testid="webhook-endpoint">
                  <td>
                    <span className="mono">{e.url}</span>
                    {e.description ? <div className="muted">{e.description}</div> : null}
                  </td>
                  <td>{e.events.map(label).join(', ')}</td>
                  <td>
                    {e.enabled ? 'Enabled' : `Disabled${e.disabledReason ? ` (${e.disabledReason})` : ''}`}
                  </td>
                  <td>
                    <button type="button" className="btn" disabled={st.busy} onClick={() => store.edit(e)}>
                      Edit<span className="visually-hidden"> {e.url}</span>
                    </button>{' '}
                    <button
                      type="button"
                      className="btn"
                      disabled={st.busy}
                      onClick={() => void store.setEnabled(e, !e.enabled)}
                    >
                      {e.enabled ? 'Disable' : 'Enable'}
                      <span className="visually-hidden"> {e.url}</span>
                    </button>{' '}
                    <button
                      type="button"
                      className="btn"
                      disabled={st.busy}
                      onClick={() => void store.rotate(e.id)}
                    >
                      Rotate secret<span className="visually-hidden"> of {e.url}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form className="stack" onSubmit={onSubmit} noValidate aria-labelledby="webhook-form-title">
          <h3 id="webhook-form-title">{st.form.editing ? 'Change endpoint' : 'Add an endpoint'}</h3>
          <div className="field">
            <label htmlFor="webhook-url">URL</label>
            <input
              id="webhook-url"
              type="url"
              value={st.form.url}
              onChange={(ev) => store.setField('url', ev.target.value)}
              autoComplete="off"
              aria-describedby="webhook-url-hint"
            />
            <p id="webhook-url-hint" className="field-hint">
              HTTPS, on an address the server may reach (not loopback or private unless configured).
            </p>
          </div>
          <div className="field">
            <label htmlFor="webhook-description">Description</label>
            <input
              id="webhook-description"
              type="text"
              value={st.form.description}
              onChange={(ev) => store.setField('description', ev.target.value)}
              autoComplete="off"
            />
          </div>
          <fieldset className="roles">
            <legend>Events</legend>
            {WEBHOOK_EVENTS.map((ev) => (
              <label key={ev.type} className="check">
                <input
                  type="checkbox"
                  name="events"
                  value={ev.type}
                  checked={st.form.events.includes(ev.type)}
                  onChange={(e) => store.toggleEvent(ev.type, e.target.checked)}
                />
                {ev.label}
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" className="btn btn-primary" disabled={st.busy}>
              {st.form.editing ? 'Save changes' : 'Add endpoint'}
            </button>{' '}
            {st.form.editing ? (
              <button type="button" className="btn" onClick={() => store.cancelEdit()}>
                Cancel
              </button>
            ) : null}
          </div>
        </form>
      </section>

      <p>
        <button type="button" className="btn" disabled={st.busy} onClick={() => void store.load()}>
          Refresh deliveries
        </button>
      </p>
      <DeliveryTable
        title="Dead letters"
        id="webhook-dead"
        empty="No delivery has been given up."
        deliveries={st.dead}
        onRetry={(id) => void store.retry(id)}
        busy={st.busy}
      />
      <DeliveryTable
        title="Recent deliveries"
        id="webhook-recent"
        empty="Nothing sent yet."
        deliveries={st.deliveries}
        busy={st.busy}
      />
    </main>
  );
}

function DeliveryTable(props: {
  title: string;
  id: string;
  empty: string;
  deliveries: WebhookDelivery[];
  busy: boolean;
  onRetry?: (id: string) => void;
}) {
  return (
    <section className="card" aria-labelledby={`${props.id}-title`} data-testid={props.id}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.deliveries.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last attempt</th>
              {props.onRetry ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((d) => (
              <tr key={d.id}>
                <td>
                  {label(d.eventType)}
                  <div className="mono muted">{d.eventId}</div>
                </td>
                <td>{formatDateTime(d.createdAt)}</td>
                <td>{d.state}</td>
                <td>{d.attempts}</td>
                <td>{describeAttempt(d)}</td>
                {props.onRetry ? (
                  <td>
                    <button
                      type="button"
                      className="btn"
                      disabled={props.busy}
                      onClick={() => props.onRetry?.(d.id)}
                    >
                      Retry<span className="visually-hidden"> {d.eventId}</span>
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
