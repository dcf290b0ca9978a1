import type { Language, SessionMode } from '@sightline/protocol';
import { type FormEvent, useEffect, useRef } from 'react';
import { useApp } from '../app/context.js';
import { Link } from '../app/Link.js';
import { CopyButton } from '../lib/CopyButton.js';
import { formatHm } from '../lib/format.js';
import { LanguageName } from '../lib/LanguageName.js';
import { LANGUAGES, LOCATION_MINUTES, MODES, modeName } from '../lib/session-options.js';
import { useStore } from '../lib/use-store.js';
import { VerificationCode } from '../lib/VerificationCode.js';
import { describeEndReason } from '../session/event-text.js';
import { StateBadge } from '../sessions/StateBadge.js';
import { TextBadge } from '../texts/TextBadge.js';
import { textDetail } from '../texts/text-status.js';
import { InviteWorkflowFields } from './InviteWorkflowFields.js';
import type { InviteForm as InviteFormStore } from './invite-form.js';
import { maxMinutesFor } from './invite-form.js';

/**
 * The first thing on the dashboard: a call handler types a number and presses
 * Enter. Big fields, errors under the field they concern, and afterwards the
 * link plus a way straight into the session.
 */
export function InviteForm({
  form,
  title = 'Send a link to a caller',
  main = true,
}: {
  /** The form's store: the dashboard's by default; an incident page passes its own (links born in it). */
  form?: InviteFormStore;
  title?: string;
  /** The page's main task (h1, focused on arrival), or one part of a page (h2, not focused). */
  main?: boolean;
} = {}) {
  const app = useApp();
  const invite = form ?? app.invite;
  const Heading = main ? 'h1' : 'h2';
  const state = useStore(invite);
  const { phone, reference, mode, language, locationMinutes, validMinutes, sending, errors } = state;
  const ttl = useStore(app.config);
  const maxMinutes = maxMinutesFor(state);
  const phoneRef = useRef<HTMLInputElement>(null);
  const minutesRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await invite.submit();
    const after = invite.get().errors;
    if (!ok && after.phone) phoneRef.current?.focus();
    else if (!ok && after.locationMinutes) minutesRef.current?.focus();
  };

  const phoneError = errors.phone ?? null;
  // One element carries invite-error: the phone message if there is one, else a form-level problem.
  const formError = phoneError ? null : (errors.form ?? null);

  return (
    <section className="card invite-card" aria-labelledby="invite-title">
      <Heading id="invite-title">{title}</Heading>
      <form onSubmit={onSubmit} noValidate className="invite-form">
        <div className="field field-phone">
          <label htmlFor="invite-phone">Mobile number</label>
          <input
            id="invite-phone"
            ref={phoneRef}
            data-testid="invite-phone"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            placeholder="e.g. 07911 123456"
            className="input-large"
            value={phone}
            onChange={(e) => invite.setPhone(e.target.value)}
            aria-invalid={phoneError ? true : undefined}
            aria-describedby={phoneError ? 'invite-phone-error' : 'invite-phone-hint'}
            // biome-ignore lint/a11y/noAutofocus: call handlers open this page to do exactly one thing, mid-call.
            autoFocus={main}
          />
          {phoneError ? (
            <p id="invite-phone-error" className="field-error" data-testid="invite-error" role="alert">
              {phoneError}
            </p>
          ) : (
            <p id="invite-phone-hint" className="field-hint">
              UK mobile, or +country code for a foreign number.
            </p>
          )}
        </div>
        <div className="field field-reference">
          <label htmlFor="invite-reference">Incident reference (optional)</label>
          <input
            id="invite-reference"
            data-testid="invite-reference"
            autoComplete="off"
            placeholder="e.g. CAD 1234/28NOV"
            className="input-large"
            value={reference}
            onChange={(e) => invite.setReference(e.target.value)}
            aria-invalid={errors.reference ? true : undefined}
            aria-describedby={errors.reference ? 'invite-reference-error' : undefined}
          />
          {errors.reference ? (
            <p
              id="invite-reference-error"
              className="field-error"
              data-testid="invite-reference-error"
              role="alert"
            >
              {errors.reference}
            </p>
          ) : null}
        </div>
        <div className="field field-mode">
          <label htmlFor="invite-mode">What to share</label>
          <select
            id="invite-mode"
            data-testid="invite-mode"
            value={mode}
            onChange={(e) => invite.setMode(e.target.value as SessionMode)}
          >
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-language">
          <label htmlFor="invite-language">Caller's language</label>
          <select
            id="invite-language"
            data-testid="invite-language"
            value={language}
            onChange={(e) => invite.setLanguage(e.target.value as Language)}
            aria-describedby="invite-language-hint"
          >
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code} lang={l.code}>
                {l.native}
              </option>
            ))}
          </select>
          <p id="invite-language-hint" className="field-hint">
            Text and page in <LanguageName code={language} />.
          </p>
        </div>
        {mode === 'location' ? (
          <div className="field field-minutes">
            <label htmlFor="invite-location-minutes">End location sharing after (minutes)</label>
            <input
              id="invite-location-minutes"
              ref={minutesRef}
              data-testid="invite-location-minutes"
              type="number"
              inputMode="numeric"
              min={LOCATION_MINUTES.min}
              max={maxMinutes}
              step={1}
              value={locationMinutes}
              onChange={(e) => invite.setLocationMinutes(e.target.value)}
              aria-invalid={errors.locationMinutes ? true : undefined}
              aria-describedby={
                errors.locationMinutes ? 'invite-location-minutes-error' : 'invite-location-minutes-hint'
              }
            />
            {errors.locationMinutes ? (
              <p id="invite-location-minutes-error" className="field-error" role="alert">
                {errors.locationMinutes}
              </p>
            ) : (
              <p id="invite-location-minutes-hint" className="field-hint">
                {LOCATION_MINUTES.min} to {maxMinutes} ({maxMinutes / 60} hours). The caller can stop sooner.
              </p>
            )}
          </div>
        ) : null}
        <div className="field field-valid">
          <label htmlFor="invite-valid-minutes">Link works for (minutes, optional)</label>
          <input
            id="invite-valid-minutes"
            data-testid="invite-valid-minutes"
            type="number"
            inputMode="numeric"
            min={ttl?.inviteTtlBounds.min}
            max={ttl?.inviteTtlBounds.max}
            step={1}
            placeholder={ttl ? String(ttl.inviteTtlMinutes) : ''}
            value={validMinutes}
            onChange={(e) => invite.setValidMinutes(e.target.value)}
            aria-invalid={errors.validMinutes ? true : undefined}
            aria-describedby={
              errors.validMinutes ? 'invite-valid-minutes-error' : 'invite-valid-minutes-hint'
            }
          />
          {errors.validMinutes ? (
            <p id="invite-valid-minutes-error" className="field-error" role="alert">
              {errors.validMinutes}
            </p>
          ) : (
            <p id="invite-valid-minutes-hint" className="field-hint">
              {ttl
                ? `Unopened, the link stops working after this. Blank: ${ttl.inviteTtlMinutes}; ${ttl.inviteTtlBounds.min} to ${ttl.inviteTtlBounds.max}.`
                : 'Unopened, the link stops working after this. Blank: the usual time.'}
            </p>
          )}
        </div>
        {/* The form's own store: on an incident page that is the incident's, not the dashboard's. */}
        <InviteWorkflowFields invite={invite} />
        <div className="field field-submit">
          <button
            type="submit"
            className="btn btn-primary btn-large"
            data-testid="invite-send"
            disabled={sending}
          >
            {sending ? 'Sending…' : 'Send link'}
          </button>
        </div>
      </form>
      {formError ? (
        <p className="form-error" data-testid="invite-error" role="alert">
          {formError}
        </p>
      ) : null}
      <InviteResult invite={invite} />
    </section>
  );
}

function InviteResult({ invite }: { invite: InviteFormStore }) {
  const { sessions } = useApp();
  const result = useStore(invite).result;
  // Follow the session live, so the handler sees "opened" the moment the caller taps the link.
  const list = useStore(sessions).sessions;
  const openRef = useRef<HTMLAnchorElement>(null);
  const sessionId = result?.session.id;
  useEffect(() => {
    if (sessionId) openRef.current?.focus();
  }, [sessionId]);
  if (!result) return null;
  const session = list.find((s) => s.id === result.session.id) ?? result.session;
  // Sessions from before texts were tracked ended with 'sms_failed'; now the session stays open.
  const failed = session.text?.status === 'failed' || session.endReason === 'sms_failed';

  return (
    <div className={`invite-result${failed ? ' invite-result-failed' : ''}`} role="status">
      <div className="invite-result-head">
        <h2 className="h3">
          {failed ? 'The text could not be sent to ' : 'Link sent to '}
          {result.phone}
          {session.reference ? ` · ${session.reference}` : ''}
        </h2>
        <StateBadge state={session.state} testId="invite-state" />
      </div>
      {session.text ? <TextBadge text={session.text} testId="invite-text-status" /> : null}
      {failed ? (
        <p>
          {session.text
            ? `${textDetail(session.text)} Open the session to send it again (by the other route if there is one), or read the link to the caller.`
            : `Session ${describeEndReason(session.endReason)}. Read the link to the caller, or check the number and send again.`}
        </p>
      ) : (
        <p className="muted">
          {modeName(session.mode)} · <LanguageName code={session.language} />. Link works once and expires at{' '}
          {formatHm(session.expiresAt)} if not opened.
        </p>
      )}
      <VerificationCode code={session.verificationCode} />
      <div className="invite-link-row">
        <code className="invite-link" data-testid="invite-link">
          {result.link}
        </code>
        <CopyButton text={result.link} label="Copy link" />
        <Link href={`/sessions/${session.id}`} className="btn btn-primary" ref={openRef}>
          Open session
        </Link>
      </div>
    </div>
  );
}
