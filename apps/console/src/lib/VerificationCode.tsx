import { spacedCode } from './session-options.js';

/**
 * The four digits the caller's page shows. The handler reads them aloud so the
 * caller knows the link is really from the police, not a copycat text, before
 * they share anything. Spaced, so they are read one digit at a time.
 */
export function VerificationCode({ code, compact }: { code: string; compact?: boolean }) {
  return (
    <div className={`verify${compact ? ' verify-compact' : ''}`}>
      <span className="verify-label">Verification code</span>
      <span className="verify-code mono" data-testid="verification-code">
        {spacedCode(code)}
      </span>
      {/* Once the caller has decided, the instruction is noise; the code stays for reference. */}
      {compact ? null : <span className="verify-hint">Read this to the caller before they tap Start.</span>}
    </div>
  );
}
