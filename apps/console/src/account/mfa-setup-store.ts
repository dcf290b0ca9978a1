import type { MfaEnrolment, MyMfaStatus } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface MfaSetupState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  mfa: MyMfaStatus | null;
  /** The secret being set up (QR code and text), until a code confirms it. */
  enrolment: MfaEnrolment | null;
  /** Shown once after confirming; the server keeps only their hashes. */
  recoveryCodes: string[] | null;
  busy: boolean;
  error: string | null;
}

/** The account page's two-step sign-in: status, set-up with a QR code, and the recovery codes once. */
export class MfaSetupStore extends Store<MfaSetupState> {
  constructor(private readonly api: Pick<ApiClient, 'myMfa' | 'beginMfa' | 'confirmMfa'>) {
    super({ status: 'idle', mfa: null, enrolment: null, recoveryCodes: null, busy: false, error: null });
  }

  async load(): Promise<void> {
    this.patch({ status: 'loading', error: null });
    try {
      this.patch({ status: 'ready', mfa: await this.api.myMfa() });
    } catch (err) {
      this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /** A new secret to scan; not active until `confirm`. */
  async begin(): Promise<void> {
    if (this.get().busy) return;
    this.patch({ busy: true, error: null });
    try {
      this.patch({ busy: false, enrolment: await this.api.beginMfa() });
    } catch (err) {
      this.patch({ busy: false, error: errorMessage(err) });
    }
  }

  async confirm(code: string): Promise<boolean> {
    if (this.get().busy) return false;
    if (!/^\d{6}$/.test(code.trim())) {
      this.patch({ error: 'Enter the six-digit code your authenticator app shows.' });
      return false;
    }
    this.patch({ busy: true, error: null });
    try {
      const { recoveryCodes } = await this.api.confirmMfa(code.trim());
      this.patch({ busy: false, enrolment: null, recoveryCodes, mfa: await this.api.myMfa() });
      return true;
    } catch (err) {
      this.patch({ busy: false, error: errorMessage(err) });
      return false;
    }
  }

  /** The officer has saved the codes: they are not shown again. */
  codesSaved(): void {
    this.patch({ recoveryCodes: null });
  }
}

/** The recovery codes as text to copy or print, one a line, with what they are for. */
export function recoveryCodesText(codes: readonly string[], who: string): string {
  return [
    `Sightline recovery codes for ${who}`,
    'Each code signs you in once if you lose your authenticator app. Keep them somewhere safe.',
    '',
    ...codes,
  ].join('\n');
}
