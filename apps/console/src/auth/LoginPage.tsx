import { type FormEvent, useRef, useState } from 'react';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { useStore } from '../lib/use-store.js';

/** Sign-in. Errors are spoken (role=alert) and the fields keep what was typed except the password. */
export function LoginPage() {
  const { auth } = useApp();
  const { signingIn, error, notice } = useStore(auth);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const passwordRef = useRef<HTMLInputElement>(null);
  usePageTitle('Sign in');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await auth.login(username, password);
    if (!ok) {
      setPassword('');
      passwordRef.current?.focus();
    }
  };

  return (
    <main id="main" className="page login-page">
      <div className="login-card">
        {/* Only the button says "Sign in", so tests and voice control find exactly one. */}
        <h1>Sightline officer console</h1>
        <p className="muted">Use your officer account.</p>
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        <form onSubmit={onSubmit} noValidate className="stack">
          <div className="field">
            <label htmlFor="username">Username</label>
            <input
              id="username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'login-error' : undefined}
              // biome-ignore lint/a11y/noAutofocus: the sign-in page has one job; starting in the field saves every officer a click.
              autoFocus
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              ref={passwordRef}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'login-error' : undefined}
            />
          </div>
          <div role="alert" className="form-error-slot">
            {error ? (
              <p id="login-error" className="form-error" data-testid="login-error">
                {error}
              </p>
            ) : null}
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={signingIn}>
            {signingIn ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
