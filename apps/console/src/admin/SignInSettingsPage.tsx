import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { roleMapLines, SignInSettingsStore } from './sign-in-settings-store.js';

/** Admins: single sign-on as configured (never its secret), the MFA policy, and each account's MFA. */
export function SignInSettingsPage() {
  const { api, auth } = useApp();
  // The server refuses a reset of one's own second factor (another admin, or the CLI, does it).
  const myId = useStore(auth).auth?.officer.id ?? null;
  usePageTitle('Sign-in settings');
  const store = useMemo(() => new SignInSettingsStore(api), [api]);
  const { status, settings, busy, error, notice } = useStore(store);
  const [policyReason, setPolicyReason] = useState('');
  const [resetReason, setResetReason] = useState('');
  const [require, setRequire] = useState<boolean | null>(null);
  useEffect(() => {
    void store.load();
  }, [store]);
  const wanted = require ?? settings?.mfa.requireForLocal ?? false;

  const savePolicy = async (e: FormEvent) => {
    e.preventDefault();
    if (await store.setPolicy(wanted, policyReason)) {
      setPolicyReason('');
      setRequire(null);
    }
  };

  const sso = settings?.sso;
  return (
    <main id="main" className="page page-narrow" tabIndex={-1}>
      <h1>Sign-in settings</h1>
      <div role="alert" className="form-error-slot">
        {error ? <p className="form-error">{error}</p> : null}
      </div>
      <p role="status" className="notice-slot">
        {notice}
      </p>
      {status === 'loading' && !settings ? <p className="muted">Loading…</p> : null}
      {sso ? (
        <section className="card" aria-labelledby="sso-title">
          <h2 id="sso-title">Single sign-on (OpenID Connect)</h2>
          <dl className="facts" data-testid="sso-settings">
            <div>
              <dt>Status</dt>
              <dd data-testid="sso-configured">{sso.configured ? 'Configured' : 'Not configured'}</dd>
            </div>
            {sso.configured ? (
              <>
                <div className="facts-wide">
                  <dt>Issuer</dt>
                  <dd className="mono">{sso.issuer}</dd>
                </div>
                <div>
                  <dt>Client ID</dt>
                  <dd className="mono">{sso.clientId}</dd>
                </div>
                <div>
                  <dt>Button</dt>
                  <dd>{sso.label}</dd>
                </div>
                <div className="facts-wide">
                  <dt>Redirect URI (register this at the provider)</dt>
                  <dd className="mono">{sso.redirectUri}</dd>
                </div>
                <div>
                  <dt>Scopes</dt>
                  <dd className="mono">{sso.scopes}</dd>
                </div>
                <div>
                  <dt>Roles from the claim</dt>
                  <dd className="mono">{sso.roleClaim}</dd>
                </div>
                <div className="facts-wide">
                  <dt>Role map</dt>
                  <dd>
                    <ul data-testid="sso-role-map">
                      {roleMapLines(sso.roleMap).map((l) => (
                        <li key={l} className="mono">
                          {l}
                        </li>
                      ))}
                    </ul>
                  </dd>
                </div>
              </>
            ) : (
              <div className="facts-wide">
                <dt>How to set it up</dt>
                <dd>
                  Set SIGHTLINE_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET and _ROLE_MAP (see
                  docs/deployment.md).
                </dd>
              </div>
            )}
          </dl>
          <p className="muted">
            The client secret is never shown. Roles are set from the identity provider at every sign-in.
          </p>
        </section>
      ) : null}
      {settings ? (
        <section className="card" aria-labelledby="mfa-policy-title">
          <h2 id="mfa-policy-title">Two-step sign-in for local accounts</h2>
          <form onSubmit={savePolicy} noValidate className="stack">
            <div className="field field-inline">
              <input
                id="require-mfa"
                type="checkbox"
                checked={wanted}
                onChange={(e) => setRequire(e.target.checked)}
              />
              <label htmlFor="require-mfa">Require two-step sign-in (TOTP) for local accounts</label>
            </div>
            <div className="field">
              <label htmlFor="policy-reason">Reason (for the audit trail)</label>
              <input
                id="policy-reason"
                value={policyReason}
                onChange={(e) => setPolicyReason(e.target.value)}
              />
            </div>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              Save policy
            </button>
          </form>
          <p className="muted" data-testid="mfa-policy">
            Currently {settings.mfa.requireForLocal ? 'required' : 'not required'}
            {settings.mfa.updatedAt
              ? ` (set by ${settings.mfa.updatedBy ?? 'unknown'}, ${formatDateTime(settings.mfa.updatedAt)})`
              : ''}
            .
          </p>
        </section>
      ) : null}
      {settings ? (
        <section className="card" aria-labelledby="mfa-officers-title">
          <h2 id="mfa-officers-title">Accounts</h2>
          <div className="field">
            <label htmlFor="reset-reason">Reason for a reset (for the audit trail)</label>
            <input id="reset-reason" value={resetReason} onChange={(e) => setResetReason(e.target.value)} />
          </div>
          <table className="table" data-testid="mfa-officers">
            <thead>
              <tr>
                <th scope="col">Officer</th>
                <th scope="col">Signs in with</th>
                <th scope="col">Two-step sign-in</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {settings.officers.map((o) => (
                <tr key={o.id}>
                  <td>
                    {o.displayName} <span className="muted">({o.username})</span>
                    {o.disabled ? ' — disabled' : ''}
                  </td>
                  <td>{o.kind === 'sso' ? 'Single sign-on' : 'Password'}</td>
                  <td>
                    {o.kind === 'sso'
                      ? 'At the identity provider'
                      : o.mfa
                        ? `On (${o.recoveryCodesLeft} recovery codes left)`
                        : 'Off'}
                  </td>
                  <td>
                    {o.mfa && o.id === myId ? (
                      'Another admin can reset yours'
                    ) : o.mfa ? (
                      <button
                        type="button"
                        className="btn btn-secondary btn-small"
                        disabled={busy}
                        onClick={() => void store.resetMfa(o.id, o.displayName, resetReason)}
                      >
                        Reset two-step sign-in<span className="visually-hidden"> for {o.displayName}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </main>
  );
}
