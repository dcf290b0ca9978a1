import type { SignInSettings } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { ROLE_LABELS } from '../lib/permissions.js';
import { Store } from '../lib/store.js';

export interface SignInSettingsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  settings: SignInSettings | null;
  busy: boolean;
  error: string | null;
  /** What the last change did, in words (spoken by a status region). */
  notice: string | null;
}

/** The admin's sign-in page: SSO configuration (read-only), the MFA policy, per-officer MFA and reset. */
export class SignInSettingsStore extends Store<SignInSettingsState> {
  constructor(private readonly api: Pick<ApiClient, 'signInSettings' | 'setMfaPolicy' | 'resetMfa'>) {
    super({ status: 'idle', settings: null, busy: false, error: null, notice: null });
  }

  async load(): Promise<void> {
    this.patch({ status: 'loading', error: null });
    try {
      this.patch({ status: 'ready', settings: await this.api.signInSettings() });
    } catch (err) {
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /** Turns "require MFA for local accounts" on or off; the reason goes into the audit trail. */
  async setPolicy(requireForLocal: boolean, reason: string): Promise<boolean> {
    return this.change(
      reason,
      () => this.api.setMfaPolicy(requireForLocal, reason.trim()),
      requireForLocal
        ? 'Two-step sign-in is now required for local accounts: each sets it up at its next sign-in.'
        : 'Two-step sign-in is no longer required for local accounts.',
    );
  }

  /** Removes an officer's TOTP and recovery codes (a lost phone). */
  async resetMfa(officerId: string, name: string, reason: string): Promise<boolean> {
    return this.change(
      reason,
      () => this.api.resetMfa(officerId, reason.trim()),
      `Two-step sign-in reset for ${name}.`,
    );
  }

  private async change(reason: string, call: () => Promise<unknown>, done: string): Promise<boolean> {
    if (this.get().busy) return false;
    if (reason.trim().length < 3) {
      this.patch({ error: 'Say why (at least 3 characters): it goes into the audit trail.', notice: null });
      return false;
    }
    this.patch({ busy: true, error: null, notice: null });
    try {
      await call();
      this.patch({ busy: false, notice: done, settings: await this.api.signInSettings() });
      return true;
    } catch (err) {
      this.patch({ busy: false, error: errorMessage(err) });
      return false;
    }
  }
}

/** The role map as lines: "<claim value> → Call handler, Supervisor". */
export function roleMapLines(map: SignInSettings['sso']['roleMap']): string[] {
  return Object.entries(map).map(
    ([value, roles]) => `${value} → ${roles.map((r) => ROLE_LABELS[r]).join(', ')}`,
  );
}
