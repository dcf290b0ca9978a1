import type { EvidenceItem } from '@sightline/protocol';
import type { FormEvent } from 'react';
import { formatMediaTime } from '../evidence/playback.js';
import { percent } from '../jobs/job-watch.js';
import { Field, fieldAria } from '../lib/Field.js';
import { useStore } from '../lib/use-store.js';
import { type FracRect, fromPercentText, toPercentText } from './redaction-geometry.js';
import type { RedactionStore, RegionDraft } from './redaction-store.js';

/**
 * The redaction editor's form, under the video: the areas drawn (or added by
 * keyboard), the selected area's position, size and times, muted ranges and
 * the reason. Submitting makes a new redacted copy; nothing existing changes.
 */
export function RedactionEditor({
  store,
  source,
  mediaTime,
}: {
  store: RedactionStore;
  source: EvidenceItem;
  mediaTime: number;
}) {
  const st = useStore(store);
  const region = st.regions.find((r) => r.id === st.selected) ?? null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.submit();
  };
  const now = Math.round(mediaTime * 10) / 10;

  return (
    <section className="redact-editor" aria-labelledby="redact-title">
      <div className="card-head">
        <h3 id="redact-title">Redact {source.fileName}</h3>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => store.close()}>
          Close editor
        </button>
      </div>
      <p className="small">
        Drag over the video to mark an area to blur, or use “Add area” and type its position. Each area is
        blurred between its start and end time. The working copy and the masters are not changed: a new
        redacted copy is made.
      </p>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <div className="redact-regions">
          <div className="redact-regions-head">
            <h4>Areas to blur ({st.regions.length})</h4>
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => store.addRegion(null, mediaTime)}
            >
              Add area
            </button>
          </div>
          {st.regions.length ? (
            <ul className="redact-list">
              {st.regions.map((r, i) => (
                <li key={r.id} className={r.id === st.selected ? 'selected' : ''}>
                  <button
                    type="button"
                    className="btn btn-quiet btn-small"
                    aria-pressed={r.id === st.selected}
                    onClick={() => store.select(r.id)}
                  >
                    Area {i + 1}: {r.from || '?'} s to {r.to || '?'} s
                  </button>
                  <button
                    type="button"
                    className="btn btn-quiet btn-small"
                    onClick={() => store.removeRegion(r.id)}
                    aria-label={`Remove area ${i + 1}`}
                  >
                    Remove
                  </button>
                  {st.errors.regions?.[r.id] ? (
                    <span className="field-error">{st.errors.regions[r.id]}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">No areas yet.</p>
          )}
        </div>
        {region ? (
          <RegionFields store={store} region={region} now={now} error={st.errors.regions?.[region.id]} />
        ) : null}
        <fieldset className="redact-mute">
          <legend>Mute the sound</legend>
          <div className="redact-times">
            <TimeInput
              id="redact-mute-from"
              label="From (s)"
              value={st.muteFrom}
              onChange={(v) => store.setMuteText('from', v)}
              onNow={() => store.setMuteText('from', String(now))}
            />
            <TimeInput
              id="redact-mute-to"
              label="To (s)"
              value={st.muteTo}
              onChange={(v) => store.setMuteText('to', v)}
              onNow={() => store.setMuteText('to', String(now))}
            />
            <button
              type="button"
              className="btn btn-secondary redact-mute-add"
              data-testid="redact-mute-add"
              onClick={() => store.addMute()}
            >
              Add muted range
            </button>
          </div>
          {st.errors.mute ? (
            <p className="field-error" role="alert">
              {st.errors.mute}
            </p>
          ) : null}
          {st.mute.length ? (
            <ul className="redact-list">
              {st.mute.map((m, i) => (
                <li key={`${m.from}-${m.to}`} data-testid="redact-mute-item">
                  <span>
                    Muted {formatMediaTime(m.from)} to {formatMediaTime(m.to)}
                  </span>
                  <button
                    type="button"
                    className="btn btn-quiet btn-small"
                    onClick={() => store.removeMute(i)}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </fieldset>
        <Field id="redact-reason" label="Reason for the redaction" error={st.errors.reason}>
          <input
            {...fieldAria('redact-reason', null, st.errors.reason)}
            data-testid="redact-reason"
            autoComplete="off"
            value={st.reason}
            onChange={(e) => store.setReason(e.target.value)}
          />
        </Field>
        {st.errors.form ? (
          <p className="form-error" role="alert">
            {st.errors.form}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary" data-testid="redact-submit" disabled={st.sending}>
          {st.sending ? 'Sending…' : 'Make redacted copy'}
        </button>
      </form>
    </section>
  );
}

function RegionFields({
  store,
  region,
  now,
  error,
}: {
  store: RedactionStore;
  region: RegionDraft;
  now: number;
  error: string | undefined;
}) {
  const pct = (key: keyof FracRect, label: string) => (
    <div className="field redact-pct">
      <label htmlFor={`redact-${key}`}>{label}</label>
      <input
        id={`redact-${key}`}
        data-testid={`redact-${key}`}
        type="number"
        inputMode="decimal"
        min={0}
        max={100}
        step={0.5}
        value={toPercentText(region[key])}
        onChange={(e) => {
          const v = fromPercentText(e.target.value);
          if (v !== null) store.setRect(region.id, { [key]: v });
        }}
      />
    </div>
  );
  return (
    <fieldset className="redact-region">
      <legend>Selected area</legend>
      <div className="redact-rect">
        {pct('x', 'Left (%)')}
        {pct('y', 'Top (%)')}
        {pct('width', 'Width (%)')}
        {pct('height', 'Height (%)')}
      </div>
      <div className="redact-times">
        <TimeInput
          id="redact-from"
          label="Blur from (s)"
          value={region.from}
          onChange={(v) => store.setTime(region.id, 'from', v)}
          onNow={() => store.setTimeToCurrent(region.id, 'from', now)}
          error={error}
        />
        <TimeInput
          id="redact-to"
          label="Blur to (s)"
          value={region.to}
          onChange={(v) => store.setTime(region.id, 'to', v)}
          onNow={() => store.setTimeToCurrent(region.id, 'to', now)}
          error={error}
        />
      </div>
      {error ? (
        <p id="redact-times-error" className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function TimeInput(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  onNow: () => void;
  error?: string | undefined;
}) {
  return (
    <div className="field redact-time">
      <label htmlFor={props.id}>{props.label}</label>
      <div className="redact-time-row">
        <input
          id={props.id}
          data-testid={props.id}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={props.value}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={props.error ? 'redact-times-error' : undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
        <button type="button" className="btn btn-secondary btn-small" onClick={props.onNow}>
          Now
          <span className="visually-hidden"> (set {props.label.toLowerCase()} to the current time)</span>
        </button>
      </div>
    </div>
  );
}

/** The redaction job's progress and result; shown whether or not the editor is open. */
export function RedactionStatus({
  store,
  items,
  onPlay,
}: {
  store: RedactionStore;
  items: EvidenceItem[];
  onPlay: (item: EvidenceItem) => void;
}) {
  const { job, progress, sending } = useStore(store);
  const state = job?.state ?? (sending ? 'sending' : 'idle');
  const result = job?.resultId ? items.find((i) => i.id === job.resultId) : undefined;
  const pct = progress ? percent(progress.done, progress.total) : null;
  return (
    <div className="redact-status" data-testid="redact-status" data-state={state} role="status">
      {state === 'queued' ? <p>Redaction queued…</p> : null}
      {state === 'running' ? (
        <p>
          Making the redacted copy…{pct !== null ? ` ${pct}%` : ''}{' '}
          <progress max={100} value={pct ?? undefined} aria-label="Redaction progress" />
        </p>
      ) : null}
      {state === 'failed' ? (
        <p className="form-error">Redaction failed: {job?.error ?? 'unknown error'}</p>
      ) : null}
      {state === 'done' ? (
        <p className="success">
          Redacted copy made{result ? `: ${result.fileName}` : ''}. It is listed under Evidence; the original
          is unchanged.{' '}
          {result ? (
            <button type="button" className="btn btn-secondary btn-small" onClick={() => onPlay(result)}>
              Play the redacted copy
            </button>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
