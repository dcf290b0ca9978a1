import type { AuthState, MfaEnrolment } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface AuthStoreState {
  status: 'checking' | 'signed-out' | 'signed-in';
  auth: AuthState | null;
  signingIn: boolean;
  /** Why the last sign-in failed, in words to show under the form. */
  error: string | null;
  /** Why the officer is looking at the sign-in page when they did not sign out themselves. */
  notice: string | null;
  /** The officer pressed Sign out (so the next sign-in starts afresh rather than where they were). */
  signedOutByUser: boolean;
  /** Which step of signing in the page shows: the password, a code, or setting up TOTP (policy). */
  step: 'password' | 'code' | 'enrol';
  /** The TOTP secret being set up in the enrol step (QR code and text). */
  enrolment: MfaEnrolment | null;
  /** Recovery codes to show once after the enrol step; signing in completes when the officer has saved them. */
  recoveryCodes: string[] | null;
  /** The identity provider's button, when single sign-on is configured. */
  sso: { label: string } | null;
  /** Why single sign-on refused the officer (the server's reason code), in words. */
  ssoRefused: string | null;
}

/** Who is signed in, and signing in and out. The CSRF token lives here and nowhere else. */
/** Longest a sign-out waits for `beforeSignOut` work (a slow network must not keep the officer in). */
export const BEFORE_SIGN_OUT_MS = 2_000;

export class AuthStore extends Store<AuthStoreState> {
  #api: ApiClient | null = null;
  readonly #beforeSignOut: Array<() => Promise<void>> = [];
  #verifying = false;
  /** Signed in by the enrol step, held back until the officer has saved the recovery codes. */
  #held: AuthState | null = null;

  constructor() {
    super({
      status: 'checking',
      auth: null,
      signingIn: false,
      error: null,
      notice: null,
      signedOutByUser: false,
      step: 'password',
      enrolment: null,
      recoveryCodes: null,
      sso: null,
      ssoRefused: null,
    });
  }

  /** Set once at start-up; the client needs our token and we need the client. */
  attachApi(api: ApiClient): void {
    this.#api = api;
  }

  /**
   * Work that must reach the server under this sign-in before it ends (the exposure log's
   * last minutes). Waited for at most `BEFORE_SIGN_OUT_MS`: signing out never hangs on it.
   */
  beforeSignOut(fn: () => Promise<void>): void {
    this.#beforeSignOut.push(fn);
  }

  get csrfToken(): string | null {
    return this.get().auth?.csrfToken ?? null;
  }

  /** Asks the server whether the browser's cookie is still a valid sign-in. */
  async check(): Promise<void> {
    try {
      const auth = await this.api.me();
      this.patch({ status: 'signed-in', auth, error: null });
    } catch (err) {
      if (err instanceof ApiRequestError && (err.code === 'unauthenticated' || err.status === 401)) {
        this.patch({ status: 'signed-out', auth: null });
      } else if (this.get().status === 'checking') {
        // Cannot tell (server down): show the sign-in page with the reason rather than spin forever.
        this.patch({ status: 'signed-out', auth: null, notice: errorMessage(err) });
      }
    }
  }

  /** Re-checks the sign-in when something suggests it may have lapsed (e.g. the socket was refused). */
  async verify(): Promise<void> {
    if (this.#verifying || this.get().status !== 'signed-in') return;
    this.#verifying = true;
    try {
      const auth = await this.api.me();
      this.patch({ auth });
    } catch (err) {
      if (err instanceof ApiRequestError && err.code === 'unauthenticated') this.expired();
    } finally {
      this.#verifying = false;
    }
  }

  async login(username: string, password: string): Promise<boolean> {
    if (this.get().signingIn) return false;
    if (!username.trim() || !password) {
      this.patch({ error: 'Enter your username and password.' });
      return false;
    }
    this.patch({ signingIn: true, error: null, notice: null, ssoRefused: null });
    try {
      const r = await this.api.login(username.trim(), password);
      if ('mfa' in r) {
        this.patch({ signingIn: false, step: r.mfa, enrolment: null });
        return true;
      }
      this.signedIn(r);
      return true;
    } catch (err) {
      this.patch({ signingIn: false, error: loginErrorText(err) });
      return false;
    }
  }

  /** The code step: a six-digit code from the app, or a recovery code. */
  async submitCode(code: string): Promise<boolean> {
    if (this.get().signingIn) return false;
    if (!code.trim()) {
      this.patch({ error: 'Enter the code from your authenticator app, or a recovery code.' });
      return false;
    }
    this.patch({ signingIn: true, error: null });
    try {
      this.signedIn(await this.api.mfaCode(code.trim()));
      return true;
    } catch (err) {
      this.stepFailed(err);
      return false;
    }
  }

  /** The enrol step (required by policy): fetches a new secret to scan. */
  async startEnrolment(): Promise<void> {
    if (this.get().signingIn) return;
    this.patch({ signingIn: true, error: null });
    try {
      this.patch({ signingIn: false, enrolment: await this.api.mfaEnrolStep() });
    } catch (err) {
      this.stepFailed(err);
    }
  }

  /** Confirms the new secret with a code; the recovery codes are shown before the console opens. */
  async confirmEnrolment(code: string): Promise<boolean> {
    if (this.get().signingIn) return false;
    if (!/^\d{6}$/.test(code.trim())) {
      this.patch({ error: 'Enter the six-digit code your authenticator app shows.' });
      return false;
    }
    this.patch({ signingIn: true, error: null });
    try {
      const r = await this.api.mfaEnrolStepConfirm(code.trim());
      this.#held = { officer: r.officer, csrfToken: r.csrfToken };
      this.patch({ signingIn: false, recoveryCodes: r.recoveryCodes ?? [] });
      return true;
    } catch (err) {
      this.stepFailed(err);
      return false;
    }
  }

  /** The officer has saved the recovery codes: open the console. */
  recoveryCodesSaved(): void {
    const held = this.#held;
    this.#held = null;
    if (held) this.signedIn(held);
  }

  /** Back to the password (a second step abandoned or expired). */
  restart(): void {
    this.#held = null;
    this.patch({ step: 'password', enrolment: null, recoveryCodes: null, error: null, signingIn: false });
  }

  /** What the sign-in page offers (the SSO button) and why SSO sent the officer back (`?sso=`). */
  async loadOptions(search: string): Promise<void> {
    const refused = new URLSearchParams(search).get('sso');
    if (refused) this.patch({ ssoRefused: ssoRefusalText(refused) });
    try {
      this.patch({ sso: (await this.api.signInOptions()).sso });
    } catch {
      // The password form works without it.
    }
  }

  /**
   * Signs out. Returns the identity provider's sign-out URL when the officer signed in with SSO
   * (the page then goes there, so the provider's session ends too), else null.
   */
  async logout(): Promise<string | null> {
    let endSessionUrl: string | null = null;
    const settled = Promise.allSettled(this.#beforeSignOut.map((fn) => fn()));
    await Promise.race([settled, new Promise((r) => setTimeout(r, BEFORE_SIGN_OUT_MS))]);
    try {
      endSessionUrl = (await this.api.logout()).endSessionUrl ?? null;
    } catch {
      // Signed out on the server already, or unreachable: either way forget the sign-in here.
    }
    this.patch({
      status: 'signed-out',
      auth: null,
      error: null,
      notice: 'You have signed out.',
      signedOutByUser: true,
      step: 'password',
      enrolment: null,
      recoveryCodes: null,
    });
    return endSessionUrl;
  }

  private signedIn(auth: AuthState): void {
    this.patch({
      status: 'signed-in',
      auth: { officer: auth.officer, csrfToken: auth.csrfToken },
      signingIn: false,
      signedOutByUser: false,
      step: 'password',
      enrolment: null,
      recoveryCodes: null,
      error: null,
    });
  }

  private stepFailed(err: unknown): void {
    const text = codeErrorText(err);
    // An expired step cannot be retried: back to the password, saying why.
    if (
      err instanceof ApiRequestError &&
      err.code === 'unauthenticated' &&
      /expired|start again/i.test(err.message)
    )
      this.patch({ signingIn: false, step: 'password', enrolment: null, error: null, notice: text });
    else this.patch({ signingIn: false, error: text });
  }

  /** The server no longer accepts our cookie. */
  expired(): void {
    if (this.get().status !== 'signed-in') return;
    this.patch({
      status: 'signed-out',
      auth: null,
      notice: 'Your sign-in has expired. Sign in again to continue.',
    });
  }

  /** The server closed the console because this sign-in ended: signed out elsewhere, disabled, or password reset. */
  signedOutByServer(reason: string): void {
    if (this.get().status !== 'signed-in') return;
    this.patch({ status: 'signed-out', auth: null, notice: signedOutText(reason) });
  }

  /** A fresh token from /api/auth/me (after a CSRF failure). */
  refreshed(auth: AuthState): void {
    if (this.get().status === 'signed-in') this.patch({ auth });
  }

  private get api(): ApiClient {
    if (!this.#api) throw new Error('AuthStore used before attachApi()');
    return this.#api;
  }
}

/** Why the server ended the sign-in, in words (the socket's close reason names the cause). */
export function signedOutText(reason: string): string {
  switch (reason) {
    case 'signed out':
      return 'You signed out in another window, so you are signed out here too.';
    case 'account disabled':
      return 'Your account has been disabled. Ask an administrator if you need access.';
    case 'password reset':
      return 'An administrator reset your password. Sign in with the new one.';
    case 'access withdrawn':
      return 'Your force account is no longer in a group that gives access to Sightline. Ask your administrator if you need access.';
    default:
      return 'You have been signed out. Sign in again to continue.';
  }
}

/** Sign-in failures in the words an officer needs. */
export function loginErrorText(err: unknown): string {
  if (!(err instanceof ApiRequestError)) return errorMessage(err);
  switch (err.code) {
    case 'unauthenticated':
      return 'Wrong username or password. Check them and try again.';
    case 'rate_limited':
      return 'Too many sign-in attempts. Wait a minute, then try again.';
    case 'network':
      return err.message;
    case 'bad_request':
      return 'Enter your username and password.';
    default:
      return err.message;
  }
}

/** Second-step failures in the words an officer needs. */
export function codeErrorText(err: unknown): string {
  if (!(err instanceof ApiRequestError)) return errorMessage(err);
  if (err.code === 'unauthenticated' && /expired|start again/i.test(err.message))
    return 'That sign-in took too long or was already finished. Sign in again.';
  switch (err.code) {
    case 'unauthenticated':
    case 'bad_request':
      return 'That code is not right, or it was already used. Check your app and try again.';
    case 'rate_limited':
      return 'Too many wrong codes. Wait a few minutes, then sign in again.';
    default:
      return err.message;
  }
}

/** Why single sign-on refused the officer, from the callback's `?sso=` reason. */
export function ssoRefusalText(reason: string): string {
  switch (reason) {
    case 'no_mapped_group':
      return 'Your force account signed in, but it is not in any group that gives access to Sightline. Ask your administrator to add you to the right group.';
    case 'group_overage':
      return 'Your force account is in too many groups for the identity provider to list them. Ask your administrator to give you a Sightline app role instead.';
    case 'disabled':
      return 'Your Sightline account has been disabled. Ask an administrator if you need access.';
    case 'provider_error':
      return 'The identity provider did not sign you in. Try again, or ask your administrator.';
    case 'expired':
      return 'That sign-in took too long or was opened in another browser. Try again.';
    case 'provider_unreachable':
      return 'The identity provider cannot be reached just now. Try again in a minute, or use a local account if you have one.';
    default:
      return 'Sign-in with your force account failed: the answer from the identity provider could not be trusted. Try again.';
  }
}
