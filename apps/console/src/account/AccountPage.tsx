import { useEffect, useMemo } from 'react';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { RecoveryCodesPanel, TotpSetup } from '../auth/TotpSetup.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { MyExposure } from '../wellbeing/MyExposure.js';
import { MfaSetupStore, recoveryCodesText } from './mfa-setup-store.js';

/** The officer's own account: two-step sign-in (TOTP) for local accounts. */
export function AccountPage() {
  const { api, auth } = useApp();
  usePageTitle('Your account');
  const store = useMemo(() => new MfaSetupStore(api), [api]);
  const { status, mfa, enrolment, recoveryCodes, busy, error } = useStore(store);
  const officer = useStore(auth).auth?.officer;
  useEffect(() => {
    void store.load();
  }, [store]);

  return (
    <main id="main" className="page page-narrow" tabIndex={-1}>
      <h1>Your account</h1>
      {officer ? (
        <p>
          Signed in as <strong>{officer.displayName}</strong> ({officer.username}).
        </p>
      ) : null}
      <section className="card stack" aria-labelledby="mfa-title">
        <h2 id="mfa-title">Two-step sign-in</h2>
        {status === 'error' ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        {mfa?.kind === 'sso' ? (
          <p>You sign in with your force account; its own two-step sign-in applies.</p>
        ) : mfa?.enabled ? (
          <p data-testid="mfa-status">
            On since {formatDateTime(mfa.confirmedAt ?? 0)}. Recovery codes left: {mfa.recoveryCodesLeft}. If
            you lose your phone, ask an administrator to reset it.
          </p>
        ) : mfa ? (
          <>
            <p data-testid="mfa-status">
              Off.{' '}
              {mfa.required
                ? 'Your force requires it: you will be asked to set it up at your next sign-in.'
                : ''}
            </p>
            {enrolment ? (
              <TotpSetup
                enrolment={enrolment}
                busy={busy}
                error={error}
                onConfirm={(c) => void store.confirm(c)}
              />
            ) : (
              <>
                <div role="alert" className="form-error-slot">
                  {error && status !== 'error' ? <p className="form-error">{error}</p> : null}
                </div>
                <button
                  type="button"
                  className="btn btn-primary"
                  onClick={() => void store.begin()}
                  disabled={busy}
                >
                  Set up two-step sign-in
                </button>
              </>
            )}
          </>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
      {recoveryCodes ? (
        <RecoveryCodesPanel
          codes={recoveryCodes}
          text={recoveryCodesText(recoveryCodes, officer?.displayName ?? 'your account')}
          onSaved={() => store.codesSaved()}
          savedLabel="I have saved them"
        />
      ) : null}
      <MyExposure />
    </main>
  );
}
