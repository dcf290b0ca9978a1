import { useEffect, useRef, useState } from 'react';
import { useStore } from '../lib/use-store.js';
import type { SessionController } from './session-controller.js';
import { canBeEnded } from './session-model.js';

/** "End session", with a confirm step so a stray click never cuts a caller off. */
export function EndSession({ ctl }: { ctl: SessionController }) {
  const { session, end } = useStore(ctl.state);
  const [reason, setReason] = useState('');
  const panelRef = useRef<HTMLElement>(null);
  const endable = canBeEnded(session);
  const confirming = end.step !== 'idle';

  useEffect(() => {
    if (end.step === 'confirm') panelRef.current?.focus();
  }, [end.step]);

  return (
    <div className="end-session">
      <button
        type="button"
        className="btn btn-danger"
        data-testid="end-session"
        disabled={!endable || confirming}
        aria-expanded={confirming}
        aria-controls="end-session-confirm"
        onClick={() => ctl.askToEnd()}
      >
        {session?.state === 'ended' ? 'Session ended' : 'End session'}
      </button>
      {confirming && endable ? (
        <section
          id="end-session-confirm"
          className="confirm-panel"
          aria-labelledby="end-confirm-title"
          tabIndex={-1}
          ref={panelRef}
          onKeyDown={(e) => {
            if (e.key === 'Escape') ctl.cancelEnd();
          }}
        >
          <p id="end-confirm-title" className="confirm-title">
            End this session?
          </p>
          <p className="small">
            The caller's video and location sharing stop. Recordings are kept as evidence.
          </p>
          <div className="field">
            <label htmlFor="end-reason">Reason (optional)</label>
            <input
              id="end-reason"
              maxLength={200}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              autoComplete="off"
            />
          </div>
          {end.error ? (
            <p className="form-error" role="alert">
              {end.error}
            </p>
          ) : null}
          <div className="confirm-actions">
            <button
              type="button"
              className="btn btn-danger"
              data-testid="end-session-confirm"
              disabled={end.step === 'sending'}
              onClick={() => void ctl.confirmEnd(reason.trim() || undefined)}
            >
              {end.step === 'sending' ? 'Ending…' : 'Yes, end session'}
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => ctl.cancelEnd()}>
              Cancel
            </button>
          </div>
        </section>
      ) : null}
    </div>
  );
}
