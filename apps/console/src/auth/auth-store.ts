import type { AuthState } from '@sightline/protocol';
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
}

/** Who is signed in, and signing in and out. The CSRF token lives here and nowhere else. */
export class AuthStore extends Store<AuthStoreState> {
  #api: ApiClient | null = null;
  #verifying = false;

  constructor() {
    super({
      status: 'checking',
      auth: null,
      signingIn: false,
      error: null,
      notice: null,
      signedOutByUser: false,
    });
  }

  /** Set once at start-up; the client needs our token and we need the client. */
  attachApi(api: ApiClient): void {
    this.#api = api;
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
    this.patch({ signingIn: true, error: null, notice: null });
    try {
      const auth = await this.api.login(username.trim(), password);
      this.patch({ status: 'signed-in', auth, signingIn: false, signedOutByUser: false });
      return true;
    } catch (err) {
      this.patch({ signingIn: false, error: loginErrorText(err) });
      return false;
    }
  }

  async logout(): Promise<void> {
    try {
      await this.api.logout();
    } catch {
      // Signed out on the server already, or unreachable: either way forget the sign-in here.
    }
    this.patch({
      status: 'signed-out',
      auth: null,
      error: null,
      notice: 'You have signed out.',
      signedOutByUser: true,
    });
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
