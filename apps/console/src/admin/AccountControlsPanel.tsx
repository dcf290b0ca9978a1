import type { OfficerAccount, Role } from '@sightline/protocol';
import { type FormEvent, useEffect } from 'react';
import { useApp, useCan } from '../app/context.js';
import { formatDateTime } from '../lib/format.js';
import { ROLE_LABELS } from '../lib/permissions.js';
import { useStore } from '../lib/use-store.js';
import type { AccountAction } from './account-controls.js';

const ROLES: Role[] = ['call-handler', 'supervisor', 'admin', 'dpo', 'field-officer'];

const ACTION_TITLES: Record<AccountAction, string> = {
  disable: 'Disable account',
  enable: 'Enable account',
  roles: 'Change roles',
  password: 'Reset password',
  team: 'Set team',
};

function useMe(): string | null {
  const { auth } = useApp();
  return useStore(auth).auth?.officer.id ?? null;
}

/** The buttons on one officer's row; none on your own (another admin changes your account). */
export function OfficerActions({ officer }: { officer: OfficerAccount }) {
  const { officers } = useApp();
  const me = useMe();
  if (officer.id === me) return <span className="muted">You</span>;
  const open = (a: AccountAction) => officers.controls.open(officer, a);
  const label = (a: string) => `${a} ${officer.displayName}`;
  return (
    <div className="row-actions">
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => open('roles')}
        aria-label={label('Change roles of')}
      >
        Roles…
      </button>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => open('team')}
        aria-label={label('Set the team of')}
      >
        Team…
      </button>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => open('password')}
        aria-label={label('Reset password of')}
      >
        Password…
      </button>
      {officer.disabledAt === null ? (
        <button
          type="button"
          className="btn btn-danger btn-small"
          onClick={() => open('disable')}
          aria-label={label('Disable')}
        >
          Disable…
        </button>
      ) : (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => open('enable')}
          aria-label={label('Enable')}
        >
          Enable…
        </button>
      )}
    </div>
  );
}

/** The form for the change an admin opened; every change needs a reason for the audit trail. */
export function AccountEditForm() {
  const { officers } = useApp();
  const controls = officers.controls;
  const st = useStore(controls);
  const edit = st.edit;
  if (!edit) return null;
  const err = st.errors;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void controls.submit();
  };
  return (
    <form className="stack account-edit" onSubmit={onSubmit} noValidate aria-labelledby="account-edit-title">
      <h3 id="account-edit-title">
        {ACTION_TITLES[edit.action]}: {edit.officer.displayName}{' '}
        <span className="mono">({edit.officer.username})</span>
      </h3>
      {edit.action === 'disable' ? (
        <p className="field-hint">Their open consoles close at once and every sign-in of theirs ends.</p>
      ) : null}
      {edit.action === 'roles' ? (
        <fieldset className="roles">
          <legend>Roles</legend>
          {ROLES.map((r) => (
            <label key={r} className="check">
              <input
                type="checkbox"
                checked={edit.roles.includes(r)}
                onChange={(e) => controls.toggleRole(r, e.target.checked)}
              />
              {ROLE_LABELS[r]}
            </label>
          ))}
          <p className="field-hint">
            Removed roles go at once. Added roles wait until a second administrator approves them.
          </p>
        </fieldset>
      ) : null}
      {edit.action === 'team' ? (
        <div className="field">
          <label htmlFor="account-team">Team</label>
          <input
            id="account-team"
            type="text"
            autoComplete="off"
            maxLength={60}
            value={edit.team}
            onChange={(e) => controls.setField('team', e.target.value)}
            aria-invalid={err.team ? true : undefined}
            aria-describedby="account-team-hint"
          />
          <p id="account-team-hint" className="field-hint">
            Links they send from now on count for this team in the take-up report. Leave empty for no team.
          </p>
          {err.team ? <p className="field-error">{err.team}</p> : null}
        </div>
      ) : null}
      {edit.action === 'password' ? (
        <div className="field">
          <label htmlFor="account-password">New password</label>
          <input
            id="account-password"
            type="password"
            autoComplete="new-password"
            value={edit.password}
            onChange={(e) => controls.setField('password', e.target.value)}
            aria-invalid={err.password ? true : undefined}
            aria-describedby="account-password-hint"
          />
          <p id="account-password-hint" className="field-hint">
            At least 12 characters. They are signed out everywhere, and their roles wait for a second
            administrator's approval, since you know the password.
          </p>
          {err.password ? <p className="field-error">{err.password}</p> : null}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="account-reason">Reason</label>
        <input
          id="account-reason"
          type="text"
          autoComplete="off"
          value={edit.reason}
          onChange={(e) => controls.setField('reason', e.target.value)}
          aria-invalid={err.reason ? true : undefined}
          aria-describedby={err.reason ? 'account-reason-error' : undefined}
        />
        {err.reason ? (
          <p id="account-reason-error" className="field-error">
            {err.reason}
          </p>
        ) : null}
      </div>
      {err.form || err.roles ? (
        <p className="form-error" role="alert">
          {err.form ?? err.roles}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="submit" className="btn btn-primary" disabled={st.sending}>
          {st.sending ? 'Saving…' : ACTION_TITLES[edit.action]}
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => controls.cancel()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Role grants waiting for a second admin; you cannot approve your own request or roles for yourself. */
export function RoleGrantsPanel() {
  const { officers } = useApp();
  const can = useCan();
  const controls = officers.controls;
  const st = useStore(controls);
  const me = useMe();
  useEffect(() => {
    void controls.loadGrants();
  }, [controls]);
  const pending = st.grants.filter((g) => g.state === 'pending');
  const d = st.decision;
  return (
    <section className="stack" aria-labelledby="grants-title">
      <h3 id="grants-title">Roles waiting for approval</h3>
      <div role="status">{st.done ? <p className="success">{st.done}</p> : null}</div>
      {st.grantsStatus === 'error' ? (
        <p className="form-error" role="alert">
          {st.grantsError}
        </p>
      ) : null}
      {pending.length === 0 ? <p className="muted">Nothing is waiting.</p> : null}
      <ul className="grant-list">
        {pending.map((g) => {
          const own =
            g.requestedById === me ? 'You asked for this; another administrator must approve it.' : null;
          const self =
            g.officerId === me ? 'These roles are for you; another administrator must approve them.' : null;
          const blocked = own ?? self;
          return (
            <li key={g.id} data-testid="role-grant">
              <p>
                <strong>{g.roles.map((r) => ROLE_LABELS[r]).join(', ')}</strong> for{' '}
                <span className="mono">{g.officerUsername}</span>, asked by{' '}
                {g.requestedByName ?? 'the server'} at {formatDateTime(g.requestedAt)}: “{g.reason}”
              </p>
              {d?.grantId === g.id ? (
                <div className="stack">
                  <div className="field">
                    <label htmlFor={`grant-reason-${g.id}`}>Reason</label>
                    <input
                      id={`grant-reason-${g.id}`}
                      type="text"
                      value={d.reason}
                      onChange={(e) => controls.setDecisionReason(e.target.value)}
                    />
                  </div>
                  {d.error ? (
                    <p className="form-error" role="alert">
                      {d.error}
                    </p>
                  ) : null}
                  <div className="row-actions">
                    {blocked ? null : (
                      <button
                        type="button"
                        className="btn btn-primary btn-small"
                        disabled={d.sending}
                        onClick={() => void controls.decide('approve')}
                      >
                        Approve
                      </button>
                    )}
                    <button
                      type="button"
                      className="btn btn-danger btn-small"
                      disabled={d.sending}
                      onClick={() => void controls.decide('refuse')}
                    >
                      {own ? 'Withdraw' : 'Refuse'}
                    </button>
                    <button
                      type="button"
                      className="btn btn-secondary btn-small"
                      onClick={() => controls.cancelDecision()}
                    >
                      Cancel
                    </button>
                  </div>
                </div>
              ) : can('officer:approve') ? (
                <>
                  {blocked ? <p className="field-hint">{blocked}</p> : null}
                  <button
                    type="button"
                    className="btn btn-secondary btn-small"
                    onClick={() => controls.startDecision(g.id)}
                  >
                    Decide…
                  </button>
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
