import type { MfaEnrolment } from '@sightline/protocol';
import { type FormEvent, useState } from 'react';

/**
 * Setting up an authenticator app: the QR code (an SVG the server drew, so the console carries no
 * QR library), the same secret as text for typing in, and the first code to confirm it.
 */
export function TotpSetup(props: {
  enrolment: MfaEnrolment;
  busy: boolean;
  error: string | null;
  onConfirm: (code: string) => void;
}) {
  const [code, setCode] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onConfirm(code);
  };
  return (
    <div className="stack">
      <ol className="stack">
        <li>
          Open an authenticator app on your phone (Microsoft Authenticator, Google Authenticator or similar).
        </li>
        <li>Scan this QR code, or type the key below into the app.</li>
        <li>Enter the six-digit code the app shows.</li>
      </ol>
      <div
        role="img"
        aria-label="QR code to scan with your authenticator app"
        className="totp-qr"
        style={{ width: 208, height: 208, background: '#fff' }}
        // biome-ignore lint/security/noDangerouslySetInnerHtml: an SVG our own server drew from the otpauth URL (no user text in it)
        dangerouslySetInnerHTML={{ __html: props.enrolment.qrSvg }}
      />
      <p>
        Key: <code data-testid="totp-secret">{props.enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
      </p>
      <form onSubmit={submit} noValidate className="stack">
        <div className="field">
          <label htmlFor="totp-confirm">Six-digit code</label>
          <input
            id="totp-confirm"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-invalid={props.error ? true : undefined}
            aria-describedby={props.error ? 'totp-error' : undefined}
          />
        </div>
        <div role="alert" className="form-error-slot">
          {props.error ? (
            <p id="totp-error" className="form-error">
              {props.error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="btn btn-primary" disabled={props.busy}>
          {props.busy ? 'Checking…' : 'Turn on two-step sign-in'}
        </button>
      </form>
    </div>
  );
}

/** The recovery codes, once: copy, print, and say they are saved. */
export function RecoveryCodesPanel(props: {
  codes: string[];
  text: string;
  onSaved: () => void;
  savedLabel: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="card stack" aria-labelledby="recovery-title">
      <h2 id="recovery-title">Your recovery codes</h2>
      <p>
        Each code signs you in once if you lose your phone. This is the only time they are shown: copy or
        print them and keep them somewhere safe, away from your phone.
      </p>
      <ul className="recovery-codes mono" data-testid="recovery-codes">
        {props.codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="row">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(props.text).then(() => setCopied(true));
          }}
        >
          Copy codes
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => window.print()}>
          Print codes
        </button>
        <button type="button" className="btn btn-primary" onClick={props.onSaved}>
          {props.savedLabel}
        </button>
      </div>
      <p role="status" className="muted">
        {copied ? 'Copied to the clipboard.' : ''}
      </p>
    </section>
  );
}
