import { API_SCOPES, type ApiScope } from '@sightline/protocol';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { CopyButton } from '../lib/CopyButton.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { ApprovalsPanel } from './ApprovalsPanel.js';
import { API_DEFAULT_RATE_PER_MINUTE, ApiClientsStore, STATUS_LABELS } from './api-clients-store.js';

const SCOPES = Object.keys(API_SCOPES) as ApiScope[];

/** Admins: the systems (a CAD) let into the machine API, their scopes, limits and keys. */
export function ApiClientsPage() {
  const { api } = useApp();
  usePageTitle('API clients');
  const store = useMemo(() => new ApiClientsStore(api), [api]);
  const { status, clients, busy, error, notice, revealed } = useStore(store);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>([]);
  const [rate, setRate] = useState(String(API_DEFAULT_RATE_PER_MINUTE));
  useEffect(() => {
    void store.load();
  }, [store]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await store.create(name, scopes, Number(rate))) {
      setName('');
      setScopes([]);
      setRate(String(API_DEFAULT_RATE_PER_MINUTE));
    }
  };
  const toggle = (scope: ApiScope, on: boolean) =>
    setScopes((s) => (on ? [...s, scope] : s.filter((x) => x !== scope)));

  return (
    <main id="main" className="page page-narrow" tabIndex={-1}>
      <h1>API clients</h1>
      <p className="muted">
        Systems such as the force’s CAD call the machine API (/api/v1) with a key, or exchange it for a
        ten-minute OAuth token. Every call is in the audit trail under the client’s name. See docs/api.md.
      </p>
      <div role="alert" className="form-error-slot">
        {error ? <p className="form-error">{error}</p> : null}
      </div>
      <p role="status" className="notice-slot">
        {notice}
      </p>
      {revealed ? (
        <section className="card" aria-labelledby="new-key-title" data-testid="new-api-key">
          <h2 id="new-key-title">Key for {revealed.name}</h2>
          <p>This is the only time the key is shown. Store it in the system that will use it.</p>
          <dl className="facts">
            <div className="facts-wide">
              <dt>API key (also the OAuth client secret)</dt>
              <dd className="mono" data-testid="new-api-key-value">
                {revealed.key}
              </dd>
            </div>
            <div className="facts-wide">
              <dt>OAuth client ID</dt>
              <dd className="mono">{revealed.clientId}</dd>
            </div>
          </dl>
          <div className="row-actions">
            <CopyButton text={revealed.key} label="Copy key" />
            <button type="button" className="btn btn-primary btn-small" onClick={() => store.dismissKey()}>
              I have stored the key
            </button>
          </div>
        </section>
      ) : null}
      <ApprovalsPanel kind="api-client" onDecided={() => void store.load()} />
      <section className="card" aria-labelledby="api-clients-title">
        <h2 id="api-clients-title">Clients</h2>
        {status === 'loading' && clients.length === 0 ? <p className="muted">Loading…</p> : null}
        {status === 'ready' && clients.length === 0 ? <p className="muted">No API clients yet.</p> : null}
        {clients.length > 0 ? (
          <table className="table" data-testid="api-clients">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Limit a minute</th>
                <th scope="col">Key</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {clients.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td className="mono">{c.scopes.join(' ')}</td>
                  <td>{c.ratePerMinute}</td>
                  <td className="mono">{c.keyPrefix ?? '—'}</td>
                  <td>{STATUS_LABELS[c.status]}</td>
                  <td>{c.lastUsedAt ? formatDateTime(c.lastUsedAt) : 'Never'}</td>
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="btn btn-secondary btn-small"
                        disabled={busy}
                        onClick={() => void store.rotate(c)}
                      >
                        {c.keyPrefix ? 'Rotate key' : 'New key'}
                        <span className="visually-hidden"> for {c.name}</span>
                      </button>
                      {c.keyPrefix ? (
                        <button
                          type="button"
                          className="btn btn-secondary btn-small"
                          disabled={busy}
                          onClick={() => void store.revoke(c)}
                        >
                          Revoke key<span className="visually-hidden"> for {c.name}</span>
                        </button>
                      ) : null}
                      <button
                        type="button"
                        className="btn btn-secondary btn-small"
                        disabled={busy}
                        onClick={() => void store.setDisabled(c, c.status !== 'disabled')}
                      >
                        {c.status === 'disabled' ? 'Enable' : 'Disable'}
                        <span className="visually-hidden"> {c.name}</span>
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="card" aria-labelledby="new-client-title">
        <h2 id="new-client-title">Add a client</h2>
        <form onSubmit={onSubmit} noValidate className="stack">
          <div className="field">
            <label htmlFor="api-client-name">Name</label>
            <input
              id="api-client-name"
              value={name}
              maxLength={80}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <fieldset className="field">
            <legend>Scopes</legend>
            {SCOPES.map((scope) => (
              <div key={scope} className="field field-inline">
                <input
                  id={`scope-${scope}`}
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(e) => toggle(scope, e.target.checked)}
                  aria-describedby={`scope-${scope}-help`}
                />
                <label htmlFor={`scope-${scope}`} className="mono">
                  {scope}
                </label>
                <span id={`scope-${scope}-help`} className="field-hint">
                  {API_SCOPES[scope]}
                </span>
              </div>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="api-client-rate">Requests a minute (all endpoints together)</label>
            <input
              id="api-client-rate"
              type="number"
              inputMode="numeric"
              min={1}
              max={6000}
              value={rate}
              onChange={(e) => setRate(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Create client
          </button>
        </form>
      </section>
    </main>
  );
}
