import type { Role } from '@sightline/protocol';
import { type FormEvent, useEffect } from 'react';
import { useApp } from '../app/context.js';
import { ROLE_LABELS } from '../lib/permissions.js';
import { useStore } from '../lib/use-store.js';
import { AccountEditForm, OfficerActions, RoleGrantsPanel } from './AccountControlsPanel.js';

const ROLES: Role[] = ['call-handler', 'supervisor', 'admin', 'dpo', 'field-officer'];

/** Officer accounts: who can sign in, with which roles, and a form to add one. */
export function OfficersPanel() {
  const { officers } = useApp();
  const st = useStore(officers);
  useEffect(() => {
    void officers.load();
  }, [officers]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void officers.submit();
  };
  const err = st.errors;
  const described = (field: string, has: unknown) => (has ? `officer-${field}-error` : undefined);

  return (
    <section className="card" aria-labelledby="officers-title">
      <div className="card-head">
        <h2 id="officers-title">Officers</h2>
      </div>
      <div className="officers-grid">
        <div>
          {st.status === 'error' ? (
            <p className="form-error" role="alert">
              {st.error}
            </p>
          ) : null}
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Username</th>
                <th scope="col">Roles</th>
                <th scope="col">Team</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {st.officers.map((o) => (
                <tr key={o.id} data-testid="officer-row">
                  <td>{o.displayName}</td>
                  <td className="mono">{o.username}</td>
                  <td>{o.roles.map((r) => ROLE_LABELS[r]).join(', ') || 'None yet'}</td>
                  <td>{o.team ?? <span className="muted">None</span>}</td>
                  <td>{o.disabledAt === null ? 'Active' : 'Disabled'}</td>
                  <td>
                    <OfficerActions officer={o} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <AccountEditForm />
          <RoleGrantsPanel />
        </div>
        <form
          className="stack officer-form"
          onSubmit={onSubmit}
          noValidate
          aria-labelledby="new-officer-title"
        >
          <h3 id="new-officer-title">Add an officer</h3>
          <TextField
            id="officer-username"
            label="Username"
            hint="Lower-case letters, digits, dot, underscore, dash."
            value={st.form.username}
            error={err.username}
            onChange={(v) => officers.setField('username', v)}
            autoComplete="off"
          />
          <TextField
            id="officer-displayName"
            label="Display name"
            value={st.form.displayName}
            error={err.displayName}
            onChange={(v) => officers.setField('displayName', v)}
            autoComplete="off"
          />
          <TextField
            id="officer-password"
            label="Password"
            hint="At least 12 characters."
            type="password"
            value={st.form.password}
            error={err.password}
            onChange={(v) => officers.setField('password', v)}
            autoComplete="new-password"
          />
          <fieldset className="roles" aria-describedby={described('roles', err.roles)}>
            <legend>Roles</legend>
            {ROLES.map((r) => (
              <label key={r} className="check">
                <input
                  type="checkbox"
                  name="roles"
                  value={r}
                  checked={st.form.roles.includes(r)}
                  onChange={(e) => officers.toggleRole(r, e.target.checked)}
                />
                {ROLE_LABELS[r]}
              </label>
            ))}
            {err.roles ? (
              <p id="officer-roles-error" className="field-error" role="alert">
                {err.roles}
              </p>
            ) : null}
          </fieldset>
          <TextField
            id="officer-reason"
            label="Reason (optional)"
            hint="Why the account is needed; the administrator who approves its roles reads it."
            value={st.form.reason}
            error={err.reason}
            onChange={(v) => officers.setField('reason', v)}
            autoComplete="off"
          />
          {err.form ? (
            <p className="form-error" role="alert">
              {err.form}
            </p>
          ) : null}
          <div role="status">
            {st.created ? (
              <p className="success">
                Created {st.created.displayName} ({st.created.username}).
                {st.createdGrant
                  ? ` Its roles (${st.createdGrant.roles.map((r) => ROLE_LABELS[r]).join(', ')}) wait for a second administrator's approval.`
                  : ''}
              </p>
            ) : null}
          </div>
          <button type="submit" className="btn btn-primary" disabled={st.sending}>
            {st.sending ? 'Creating…' : 'Create officer'}
          </button>
        </form>
      </div>
    </section>
  );
}

function TextField(props: {
  id: string;
  label: string;
  hint?: string;
  type?: string;
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
  autoComplete: string;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint ? (
        <p id={`${props.id}-hint`} className="field-hint">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} className="field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
