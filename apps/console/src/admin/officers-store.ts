import type { OfficerAccount, Role, RoleGrant } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import { AccountControls } from './account-controls.js';

export interface NewOfficer {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  /** Why the account is needed (optional); the approving admin reads it. */
  reason: string;
}

type Field = keyof NewOfficer;
export type OfficerFormErrors = Partial<Record<Field | 'form', string>>;

export interface OfficersState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  officers: OfficerAccount[];
  error: string | null;
  form: NewOfficer;
  sending: boolean;
  errors: OfficerFormErrors;
  /** The account just created, for the confirmation. */
  created: OfficerAccount | null;
  /** Its roles, waiting for a second admin's approval. */
  createdGrant: RoleGrant | null;
}

const EMPTY_FORM: NewOfficer = {
  username: '',
  displayName: '',
  password: '',
  roles: ['call-handler'],
  reason: '',
};

/** The same rules as CreateOfficerRequest in @sightline/protocol, with messages for a form. */
export function validateOfficer(f: NewOfficer): OfficerFormErrors {
  const e: OfficerFormErrors = {};
  const u = f.username.trim();
  if (u.length < 2 || u.length > 64) e.username = 'Use 2 to 64 characters.';
  else if (!/^[a-z0-9._-]+$/.test(u))
    e.username = 'Use lower-case letters, digits, dot, underscore and dash only.';
  if (!f.displayName.trim()) e.displayName = 'Enter the name other officers will see.';
  else if (f.displayName.trim().length > 100) e.displayName = 'Use at most 100 characters.';
  if (f.password.length < 12) e.password = 'Use at least 12 characters.';
  else if (f.password.length > 256) e.password = 'Use at most 256 characters.';
  const reason = f.reason.trim();
  if (reason && (reason.length < 3 || reason.length > 200))
    e.reason = 'Use 3 to 200 characters, or leave it empty.';
  if (f.roles.length === 0) e.roles = 'Choose at least one role.';
  // CreateOfficerRequest allows three; now that there are four roles, all four can be ticked.
  else if (f.roles.length > 3) e.roles = 'Choose at most three roles.';
  return e;
}

/** Officer accounts (admins only): the list, the "create officer" form and the account controls. */
export class OfficersStore extends Store<OfficersState> {
  /** Disable, enable, roles, password reset and the grants waiting for approval. */
  readonly controls: AccountControls;

  constructor(
    private readonly api: Pick<ApiClient, 'officers' | 'createOfficer'> &
      ConstructorParameters<typeof AccountControls>[0],
  ) {
    super({
      status: 'idle',
      officers: [],
      error: null,
      form: EMPTY_FORM,
      sending: false,
      errors: {},
      created: null,
      createdGrant: null,
    });
    this.controls = new AccountControls(api, () => this.load());
  }

  /** Forgets everything (sign-out), so the next officer in this browser sees nothing of it. */
  reset(): void {
    this.set({
      status: 'idle',
      officers: [],
      error: null,
      form: EMPTY_FORM,
      sending: false,
      errors: {},
      created: null,
      createdGrant: null,
    });
    this.controls.reset();
  }

  async load(): Promise<void> {
    if (this.get().status !== 'ready') this.patch({ status: 'loading' });
    try {
      const officers = await this.api.officers();
      officers.sort((a, b) => a.displayName.localeCompare(b.displayName));
      this.patch({ status: 'ready', officers, error: null });
    } catch (err) {
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  setField<K extends Exclude<Field, 'roles'>>(field: K, value: string): void {
    const { [field]: _old, form: _f, ...errors } = this.get().errors;
    this.patch({ form: { ...this.get().form, [field]: value }, errors });
  }

  toggleRole(role: Role, on: boolean): void {
    const roles = this.get().form.roles.filter((r) => r !== role);
    if (on) roles.push(role);
    const { roles: _old, ...errors } = this.get().errors;
    this.patch({ form: { ...this.get().form, roles }, errors });
  }

  async submit(): Promise<boolean> {
    const { form, sending } = this.get();
    if (sending) return false;
    const errors = validateOfficer(form);
    if (Object.keys(errors).length) {
      this.patch({ errors, created: null, createdGrant: null });
      return false;
    }
    this.patch({ sending: true, errors: {}, created: null, createdGrant: null });
    try {
      const reason = form.reason.trim();
      const { officer, grant } = await this.api.createOfficer({
        username: form.username.trim(),
        displayName: form.displayName.trim(),
        password: form.password,
        roles: form.roles,
        ...(reason ? { reason } : {}),
      });
      this.patch({ sending: false, created: officer, createdGrant: grant, form: EMPTY_FORM });
      void this.load();
      void this.controls.loadGrants();
      return true;
    } catch (err) {
      this.patch({ sending: false, errors: officerErrors(err) });
      return false;
    }
  }
}

function officerErrors(err: unknown): OfficerFormErrors {
  if (err instanceof ApiRequestError) {
    if (err.code === 'conflict') return { username: err.message };
    const fields = Object.entries(err.fields).filter(([k]) =>
      ['username', 'displayName', 'password', 'roles', 'reason'].includes(k.split('.')[0] ?? ''),
    );
    if (fields.length) {
      return Object.fromEntries(
        fields.map(([k, v]) => [k.split('.')[0], `${v.charAt(0).toUpperCase()}${v.slice(1)}`]),
      );
    }
  }
  return { form: errorMessage(err) };
}
