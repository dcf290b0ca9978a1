import { type FormEvent, useEffect, useRef, useState } from 'react';
import { recoveryCodesText } from '../account/mfa-setup-store.js';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { useStore } from '../lib/use-store.js';
import { RecoveryCodesPanel, TotpSetup } from './TotpSetup.js';

/** Sign-in: the force's identity provider (when configured), or a password and, with MFA, a code. */
export function LoginPage() {
  const { auth } = useApp();
  const state = useStore(auth);
  usePageTitle(state.ssoRefused ? 'Sign-in refused' : 'Sign in');
  useEffect(() => {
    void auth.loadOptions(window.location.search);
  }, [auth]);

  return (
    <main id="main" className="page login-page">
      <div className="login-card">
        {state.recoveryCodes ? (
          <>
            <h1>Two-step sign-in is on</h1>
            <RecoveryCodesPanel
              codes={state.recoveryCodes}
              text={recoveryCodesText(state.recoveryCodes, 'your account')}
              onSaved={() => auth.recoveryCodesSaved()}
              savedLabel="I have saved them: continue"
            />
          </>
        ) : state.step === 'code' ? (
          <CodeStep />
        ) : state.step === 'enrol' ? (
          <EnrolStep />
        ) : (
          <PasswordStep />
        )}
      </div>
    </main>
  );
}

function PasswordStep() {
  const { auth } = useApp();
  const { signingIn, error, notice, sso, ssoRefused } = useStore(auth);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const passwordRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await auth.login(username, password);
    if (!ok) {
      setPassword('');
      passwordRef.current?.focus();
    }
  };

  return (
    <>
      {/* Only the button says "Sign in", so tests and voice control find exactly one. */}
      <h1>{ssoRefused ? 'Sign-in refused' : 'Sightline officer console'}</h1>
      {ssoRefused ? (
        <p className="form-error" role="alert" data-testid="sso-refused">
          {ssoRefused}
        </p>
      ) : null}
      {sso ? (
        <>
          {/* A link, not a form: the browser goes to the identity provider and back. */}
          <a className="btn btn-primary btn-block" href="/api/auth/oidc/start" data-testid="sso-sign-in">
            {sso.label}
          </a>
          <p className="muted">Or use a local Sightline account:</p>
        </>
      ) : (
        <p className="muted">Use your officer account.</p>
      )}
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
            autoFocus={!sso}
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
        <button
          type="submit"
          className={`btn ${sso ? 'btn-secondary' : 'btn-primary'} btn-block`}
          disabled={signingIn}
        >
          {signingIn ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </>
  );
}

function CodeStep() {
  const { auth } = useApp();
  const { signingIn, error } = useStore(auth);
  const [code, setCode] = useState('');
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!(await auth.submitCode(code))) setCode('');
  };
  return (
    <>
      <h1>Two-step sign-in</h1>
      <p className="muted">
        Enter the six-digit code from your authenticator app, or one of your recovery codes.
      </p>
      <form onSubmit={onSubmit} noValidate className="stack">
        <div className="field">
          <label htmlFor="mfa-code">Code</label>
          <input
            id="mfa-code"
            name="code"
            autoComplete="one-time-code"
            autoCapitalize="none"
            spellCheck={false}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'code-error' : undefined}
            // biome-ignore lint/a11y/noAutofocus: the step has one field; the officer just pressed Sign in.
            autoFocus
          />
        </div>
        <div role="alert" className="form-error-slot">
          {error ? (
            <p id="code-error" className="form-error" data-testid="code-error">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={signingIn}>
          {signingIn ? 'Checking…' : 'Verify code'}
        </button>
        <button type="button" className="btn btn-quiet" onClick={() => auth.restart()}>
          Start again
        </button>
      </form>
    </>
  );
}

function EnrolStep() {
  const { auth } = useApp();
  const { signingIn, error, enrolment } = useStore(auth);
  return (
    <>
      <h1>Set up two-step sign-in</h1>
      <p>
        Your force requires a code from an authenticator app as well as your password. Set it up now to
        continue.
      </p>
      {enrolment ? (
        <TotpSetup
          enrolment={enrolment}
          busy={signingIn}
          error={error}
          onConfirm={(code) => void auth.confirmEnrolment(code)}
        />
      ) : (
        <div className="stack">
          <div role="alert" className="form-error-slot">
            {error ? <p className="form-error">{error}</p> : null}
          </div>
          <button
            type="button"
            className="btn btn-primary btn-block"
            onClick={() => void auth.startEnrolment()}
          >
            Show the QR code
          </button>
        </div>
      )}
      <button type="button" className="btn btn-quiet" onClick={() => auth.restart()}>
        Start again
      </button>
    </>
  );
}
