import { BAIL_CONDITIONS, OUTCOME_LABELS } from '@sightline/protocol/outcome-labels';
import type { FormEvent } from 'react';
import { LANGUAGES } from '../lib/session-options.js';
import { useStore } from '../lib/use-store.js';
import type { ScheduleFields } from './checks-model.js';
import type { ChecksStore } from './checks-store.js';

/** A labelled text input with its error under it, wired to the schedule form's store. */
function Field(props: {
  store: ChecksStore;
  name: keyof ScheduleFields;
  label: string;
  type?: string;
  hint?: string;
}) {
  const { form, errors } = useStore(props.store);
  const id = `schedule-${props.name}`;
  const error = errors[props.name];
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        data-testid={id}
        type={props.type ?? 'text'}
        autoComplete="off"
        value={form[props.name]}
        onChange={(e) => props.store.setField({ [props.name]: e.target.value })}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : props.hint ? `${id}-hint` : undefined}
      />
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : props.hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/** "Every day at 21:00 for 30 minutes, 14 times": the series, in the force's time zone. */
export function ScheduleForm({ store }: { store: ChecksStore }) {
  const { form, errors, saving } = useStore(store);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.schedule();
  };
  return (
    <section className="card" aria-labelledby="schedule-title">
      <h2 id="schedule-title">Schedule checks</h2>
      <p className="muted">
        One two-way video link per check. Each link works only inside its window and is texted as the window
        opens.
      </p>
      <form onSubmit={onSubmit} noValidate className="schedule-form">
        <Field store={store} name="phone" label="Subject's mobile number" type="tel" />
        <Field store={store} name="reference" label="Reference (optional)" />
        <div className="field">
          <label htmlFor="schedule-language">Subject's language</label>
          <select
            id="schedule-language"
            value={form.language}
            onChange={(e) => store.setField({ language: e.target.value })}
          >
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code} lang={l.code}>
                {l.native}
              </option>
            ))}
          </select>
        </div>
        <Field store={store} name="subject" label="Subject (full name, optional)" />
        <div className="field">
          <label htmlFor="schedule-condition">Condition</label>
          <select
            id="schedule-condition"
            value={form.condition}
            onChange={(e) => store.setField({ condition: e.target.value })}
          >
            {BAIL_CONDITIONS.map((c) => (
              <option key={c} value={c}>
                {OUTCOME_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <Field store={store} name="conditionDetail" label="Condition details" />
        <Field store={store} name="firstDate" label="First check on" type="date" />
        <Field store={store} name="start" label="Window opens at" type="time" hint="Local time (UK)." />
        <Field store={store} name="minutes" label="Window lasts (minutes)" type="number" />
        <Field store={store} name="count" label="Number of checks" type="number" />
        <Field
          store={store}
          name="everyDays"
          label="Days between checks"
          type="number"
          hint="1: daily; 7: weekly."
        />
        <div className="field field-submit">
          <button type="submit" className="btn btn-primary" data-testid="schedule-submit" disabled={saving}>
            {saving ? 'Scheduling…' : 'Schedule checks'}
          </button>
        </div>
      </form>
      {errors.form ? (
        <p className="form-error" role="alert" data-testid="schedule-error">
          {errors.form}
        </p>
      ) : null}
    </section>
  );
}
