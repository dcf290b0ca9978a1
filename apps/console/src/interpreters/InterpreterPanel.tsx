import type { InterpreterInvite, InterpreterKind } from '@sightline/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useApp } from '../app/context.js';
import { Field } from '../lib/Field.js';
import { formatClock } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import type { InterpreterStore } from './interpreter-store.js';

const STATE_TEXT: Record<InterpreterInvite['state'], string> = {
  invited: 'link sent, not opened yet',
  opened: 'link opened, not joined yet',
  joined: 'in the call',
  left: 'left the call',
  revoked: 'link withdrawn',
  expired: 'link not opened in time',
};

/**
 * An interpreter in the call: invite one (the single-use link is shown once, to copy or read out),
 * see and hear them once they join, and remove them. `canManage`: interpreter:manage.
 */
export function InterpreterPanel({
  store,
  over,
  canManage,
}: {
  store: InterpreterStore;
  over: boolean;
  canManage: boolean;
}) {
  const st = useStore(store.state);
  const now = useStore(useApp().ticker);
  const videoRef = useRef<HTMLVideoElement>(null);
  const [form, setForm] = useState({
    name: '',
    kind: 'bsl' as InterpreterKind,
    language: 'British Sign Language',
    organisation: '',
    bookingRef: '',
  });
  const [copied, setCopied] = useState<string>('');
  const active = st.invites.filter((i) => ['invited', 'opened', 'joined'].includes(i.state));
  const past = st.invites.filter((i) => !active.includes(i));

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    v.srcObject = st.stream;
    if (st.stream) v.play().catch(() => {});
  }, [st.stream]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setCopied('');
    void store.invite(form);
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <section
      className="card interpreter-panel"
      aria-labelledby="interpreter-title"
      data-testid="interpreter-panel"
    >
      <div className="card-head">
        <h2 id="interpreter-title">Interpreter</h2>
      </div>
      {st.stream ? (
        // biome-ignore lint/a11y/useMediaCaption: a live call has no captions; the interpreter's picture and voice are the point.
        <video
          ref={videoRef}
          className="self-view"
          data-testid="interpreter-video"
          autoPlay
          playsInline
          aria-label="The interpreter’s video"
        />
      ) : null}
      {active.length ? (
        <ul className="plain">
          {active.map((i) => (
            <li key={i.id} data-testid="interpreter-invite" data-state={i.state}>
              {i.name} ({i.language}, {i.organisation}): {STATE_TEXT[i.state]}
              {i.state === 'invited' ? `, until ${formatClock(i.openBy, now)}` : ''}{' '}
              {canManage ? (
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  disabled={st.busy}
                  onClick={() => void store.remove(i.id)}
                >
                  {i.state === 'joined' ? 'Remove from the call' : 'Withdraw the link'}
                  <span className="visually-hidden"> for {i.name}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No interpreter in this call.</p>
      )}
      {st.link && active.some((i) => i.id === st.link?.id) ? (
        <div className="stack">
          <Field id="interpreter-link" label="Link for the interpreter (works once, shown only now)">
            <input id="interpreter-link" readOnly value={st.link.url} data-testid="interpreter-link" />
          </Field>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() =>
              // No clipboard (an insecure origin, a refused permission): say so, the link stays to select.
              void (navigator.clipboard?.writeText(st.link?.url ?? '') ?? Promise.reject()).then(
                () => setCopied('Copied to the clipboard.'),
                () => setCopied('Could not copy: select the link and copy it yourself.'),
              )
            }
          >
            Copy the link
          </button>
          <p role="status">{copied}</p>
        </div>
      ) : null}
      {canManage && !over && active.length === 0 ? (
        <form className="stack" onSubmit={onSubmit} aria-labelledby="interpreter-form-title">
          <h3 id="interpreter-form-title">Invite an interpreter</h3>
          <Field id="interpreter-name" label="Name">
            <input
              id="interpreter-name"
              required
              maxLength={120}
              value={form.name}
              onChange={set('name')}
              autoComplete="off"
            />
          </Field>
          <Field id="interpreter-kind" label="Kind">
            <select id="interpreter-kind" value={form.kind} onChange={set('kind')}>
              <option value="bsl">British Sign Language</option>
              <option value="spoken">Spoken language</option>
            </select>
          </Field>
          <Field id="interpreter-language" label="Language">
            <input
              id="interpreter-language"
              required
              maxLength={60}
              value={form.language}
              onChange={set('language')}
            />
          </Field>
          <Field id="interpreter-organisation" label="Organisation">
            <input
              id="interpreter-organisation"
              required
              maxLength={120}
              value={form.organisation}
              onChange={set('organisation')}
            />
          </Field>
          <Field id="interpreter-booking" label="Booking reference (optional)">
            <input
              id="interpreter-booking"
              maxLength={60}
              value={form.bookingRef}
              onChange={set('bookingRef')}
            />
          </Field>
          <button type="submit" className="btn btn-primary" disabled={st.busy}>
            Create the link
          </button>
        </form>
      ) : null}
      {st.error ? (
        <p className="form-error" role="alert">
          {st.error}
        </p>
      ) : null}
      {past.length ? (
        <details>
          <summary>Earlier interpreters</summary>
          <ul>
            {past.map((i) => (
              <li key={i.id}>
                {i.name}: {STATE_TEXT[i.state]}
                {i.endReason ? ` (${i.endReason})` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
