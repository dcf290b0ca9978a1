import type { AccountChangeResult, OfficerAccount, Role, RoleGrant } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { ROLE_LABELS } from '../lib/permissions.js';
import { Store } from '../lib/store.js';

export type AccountAction = 'disable' | 'enable' | 'roles' | 'password' | 'team';

/** The change an admin is making to one account. */
export interface AccountEdit {
  officer: OfficerAccount;
  action: AccountAction;
  reason: string;
  roles: Role[];
  password: string;
  /** The team to set ("" for none). */
  team: string;
}

type EditField = 'reason' | 'roles' | 'password' | 'team' | 'form';

export interface AccountControlsState {
  edit: AccountEdit | null;
  sending: boolean;
  errors: Partial<Record<EditField, string>>;
  /** What the last change did, in words for the status line. */
  done: string | null;
  grants: RoleGrant[];
  grantsStatus: 'idle' | 'loading' | 'ready' | 'error';
  grantsError: string | null;
  /** The grant an admin is approving or refusing, with the reason they type. */
  decision: { grantId: string; reason: string; error: string | null; sending: boolean } | null;
}

type Api = Pick<
  ApiClient,
  | 'disableOfficer'
  | 'enableOfficer'
  | 'setOfficerRoles'
  | 'resetOfficerPassword'
  | 'setOfficerTeam'
  | 'roleGrants'
  | 'approveRoleGrant'
  | 'refuseRoleGrant'
>;

const INITIAL: AccountControlsState = {
  edit: null,
  sending: false,
  errors: {},
  done: null,
  grants: [],
  grantsStatus: 'idle',
  grantsError: null,
  decision: null,
};

/** The same rules as the server's AccountChangeReason, SetRolesRequest and ResetPasswordRequest. */
export function validateEdit(e: AccountEdit): Partial<Record<EditField, string>> {
  const errors: Partial<Record<EditField, string>> = {};
  const reason = e.reason.trim();
  if (reason.length < 3) errors.reason = 'Say why (at least 3 characters); it goes into the audit trail.';
  else if (reason.length > 200) errors.reason = 'Use at most 200 characters.';
  if (e.action === 'password') {
    if (e.password.length < 12) errors.password = 'Use at least 12 characters.';
    else if (e.password.length > 256) errors.password = 'Use at most 256 characters.';
  }
  if (e.action === 'team' && e.team.trim().length > 60) errors.team = 'Use at most 60 characters.';
  return errors;
}

const roleList = (roles: readonly Role[]) => roles.map((r) => ROLE_LABELS[r]).join(', ') || 'none';

/**
 * Disable, enable, roles and password reset for one account at a time, and the role
 * grants waiting for a second admin. Added roles never apply here: they become a grant.
 */
export class AccountControls extends Store<AccountControlsState> {
  constructor(
    private readonly api: Api,
    /** Reloads the officer list after a change. */
    private readonly reload: () => Promise<void>,
  ) {
    super(INITIAL);
  }

  reset(): void {
    this.set(INITIAL);
  }

  open(officer: OfficerAccount, action: AccountAction): void {
    this.patch({
      edit: {
        officer,
        action,
        reason: '',
        roles: [...officer.roles],
        password: '',
        team: officer.team ?? '',
      },
      errors: {},
      done: null,
    });
  }

  cancel(): void {
    this.patch({ edit: null, errors: {} });
  }

  setField(field: 'reason' | 'password' | 'team', value: string): void {
    const edit = this.get().edit;
    if (!edit) return;
    const { [field]: _old, form: _f, ...errors } = this.get().errors;
    this.patch({ edit: { ...edit, [field]: value }, errors });
  }

  toggleRole(role: Role, on: boolean): void {
    const edit = this.get().edit;
    if (!edit) return;
    const roles = edit.roles.filter((r) => r !== role);
    if (on) roles.push(role);
    this.patch({ edit: { ...edit, roles } });
  }

  async submit(): Promise<boolean> {
    const { edit, sending } = this.get();
    if (!edit || sending) return false;
    const errors = validateEdit(edit);
    if (Object.keys(errors).length) {
      this.patch({ errors });
      return false;
    }
    this.patch({ sending: true, errors: {} });
    const reason = edit.reason.trim();
    const id = edit.officer.id;
    const name = edit.officer.displayName;
    try {
      let done: string;
      switch (edit.action) {
        case 'disable':
          await this.api.disableOfficer(id, reason);
          done = `Disabled ${name}. Every sign-in of theirs has ended.`;
          break;
        case 'enable':
          await this.api.enableOfficer(id, reason);
          done = `Enabled ${name}. They can sign in again.`;
          break;
        case 'roles':
          done = rolesDone(name, await this.api.setOfficerRoles(id, edit.roles, reason), edit.officer.roles);
          break;
        case 'team': {
          const team = edit.team.trim() || null;
          await this.api.setOfficerTeam(id, team, reason);
          done = team ? `${name} is now in team ${team}.` : `${name} is in no team now.`;
          break;
        }
        case 'password': {
          const r = await this.api.resetOfficerPassword(id, edit.password, reason);
          done = `Password reset for ${name}; they were signed out everywhere.${
            r.grant
              ? ` Their roles (${roleList(r.grant.roles)}) wait for a second administrator's approval.`
              : ''
          }`;
          break;
        }
      }
      this.patch({ sending: false, edit: null, done });
      await Promise.all([this.reload(), this.loadGrants()]);
      return true;
    } catch (err) {
      this.patch({ sending: false, errors: editErrors(err) });
      return false;
    }
  }

  async loadGrants(): Promise<void> {
    if (this.get().grantsStatus !== 'ready') this.patch({ grantsStatus: 'loading' });
    try {
      this.patch({ grants: await this.api.roleGrants(), grantsStatus: 'ready', grantsError: null });
    } catch (err) {
      this.patch({ grantsStatus: 'error', grantsError: errorMessage(err) });
    }
  }

  startDecision(grantId: string): void {
    this.patch({ decision: { grantId, reason: '', error: null, sending: false } });
  }

  setDecisionReason(reason: string): void {
    const d = this.get().decision;
    if (d) this.patch({ decision: { ...d, reason, error: null } });
  }

  cancelDecision(): void {
    this.patch({ decision: null });
  }

  /** Approves or refuses the grant being decided; the server refuses an approval by its requester or subject. */
  async decide(verdict: 'approve' | 'refuse'): Promise<boolean> {
    const d = this.get().decision;
    if (!d || d.sending) return false;
    const reason = d.reason.trim();
    if (reason.length < 3) {
      this.patch({ decision: { ...d, error: 'Say why (at least 3 characters).' } });
      return false;
    }
    this.patch({ decision: { ...d, sending: true, error: null } });
    try {
      const grant =
        verdict === 'approve'
          ? await this.api.approveRoleGrant(d.grantId, reason)
          : await this.api.refuseRoleGrant(d.grantId, reason);
      this.patch({
        decision: null,
        done: `${verdict === 'approve' ? 'Approved' : 'Refused'}: ${roleList(grant.roles)} for ${grant.officerUsername}.`,
      });
      await Promise.all([this.reload(), this.loadGrants()]);
      return true;
    } catch (err) {
      this.patch({ decision: { ...d, sending: false, error: errorMessage(err) } });
      return false;
    }
  }
}

function rolesDone(name: string, r: AccountChangeResult, before: readonly Role[]): string {
  const now = r.officer.roles;
  const changed = now.length !== before.length || now.some((x) => !before.includes(x));
  const parts = [changed ? `${name} now has: ${roleList(now)}.` : `${name}'s roles are unchanged for now.`];
  if (r.grant) parts.push(`${roleList(r.grant.roles)} waits for a second administrator's approval.`);
  return parts.join(' ');
}

function editErrors(err: unknown): Partial<Record<EditField, string>> {
  if (err instanceof ApiRequestError) {
    const field = Object.keys(err.fields).find((k) => ['reason', 'password', 'roles', 'team'].includes(k));
    if (field) return { [field]: err.message };
  }
  return { form: errorMessage(err) };
}
