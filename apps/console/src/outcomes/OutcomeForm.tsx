import {
  BAIL_CONDITIONS,
  BAIL_RESULTS,
  IDENTITY_METHODS,
  MISSING_PERSON_STATUSES,
  OUTCOME_LABELS,
  TRIAGE_DECISIONS,
} from '@sightline/protocol/outcome-labels';
import type { FormEvent } from 'react';
import { Field, fieldAria } from '../lib/Field.js';
import { useStore } from '../lib/use-store.js';
import { KIND_NAMES, type OutcomeDraft, type OutcomeKind } from './outcome-model.js';
import type { OutcomesStore } from './outcomes-store.js';

type Key = keyof OutcomeDraft;

/** Records one outcome, or corrects one: the fields of the chosen workflow, validated as the server will. */
export function OutcomeForm({ store, kinds }: { store: OutcomesStore; kinds: OutcomeKind[] }) {
  const st = useStore(store);
  const d = st.draft;
  const set = (patch: Partial<OutcomeDraft>) => store.setDraft(patch);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.submit().then((ok) => {
      if (!ok) document.querySelector<HTMLElement>('.outcome-form [aria-invalid="true"]')?.focus();
    });
  };
  const err = (k: Key) => st.errors[k] ?? null;
  const text = (k: Key, label: string, opts: { hint?: string; long?: boolean; max: number }) => (
    <Field id={`outcome-${k}`} label={label} hint={opts.hint ?? null} error={err(k)}>
      {opts.long ? (
        <textarea
          {...fieldAria(`outcome-${k}`, opts.hint, err(k))}
          data-testid={`outcome-${k}`}
          rows={3}
          maxLength={opts.max}
          value={String(d[k])}
          onChange={(e) => set({ [k]: e.target.value })}
        />
      ) : (
        <input
          {...fieldAria(`outcome-${k}`, opts.hint, err(k))}
          data-testid={`outcome-${k}`}
          maxLength={opts.max}
          value={String(d[k])}
          onChange={(e) => set({ [k]: e.target.value })}
        />
      )}
    </Field>
  );
  const choice = (k: Key, label: string, values: readonly (keyof typeof OUTCOME_LABELS)[]) => (
    <Field id={`outcome-${k}`} label={label} error={err(k)}>
      <select
        {...fieldAria(`outcome-${k}`, null, err(k))}
        data-testid={`outcome-${k}`}
        value={String(d[k])}
        onChange={(e) => set({ [k]: e.target.value })}
      >
        <option value="">Choose…</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {OUTCOME_LABELS[v]}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <form className="outcome-form" onSubmit={onSubmit} noValidate aria-labelledby="outcome-form-title">
      <h3 id="outcome-form-title">
        {d.correcting ? `Correct a record (${KIND_NAMES[d.kind]})` : 'Record an outcome'}
      </h3>
      {kinds.length > 1 && !d.correcting ? (
        <fieldset className="outcome-kinds">
          <legend>Workflow</legend>
          {kinds.map((k) => (
            <label key={k} className="check-label">
              <input
                type="radio"
                name="outcome-kind"
                value={k}
                data-testid={`outcome-kind-${k}`}
                checked={d.kind === k}
                onChange={() => store.choose(k)}
              />
              {KIND_NAMES[k]}
            </label>
          ))}
        </fieldset>
      ) : null}

      {d.kind === 'triage' ? (
        <>
          {choice('decision', 'Outcome', TRIAGE_DECISIONS)}
          {text('reason', 'Reason', {
            long: true,
            max: 2000,
            hint: 'Why: what the screening found. Required.',
          })}
          {text('followUpAction', 'Follow-up action (optional)', { max: 300 })}
          <Field id="outcome-followUpDue" label="Follow-up due (optional)" error={err('followUpDue')}>
            <input
              type="date"
              {...fieldAria('outcome-followUpDue', null, err('followUpDue'))}
              data-testid="outcome-followUpDue"
              value={d.followUpDue}
              onChange={(e) => set({ followUpDue: e.target.value })}
            />
          </Field>
        </>
      ) : null}

      {d.kind === 'bail-check' ? (
        <>
          {text('subject', 'Subject (full name)', { max: 100 })}
          {choice('condition', 'Condition', BAIL_CONDITIONS)}
          {text('conditionDetail', 'Condition details', {
            max: 300,
            hint: 'The address and hours, the zone, the person not to contact…',
          })}
          {choice('result', 'Result', BAIL_RESULTS)}
          {choice('identityMethod', 'How you identified the subject', IDENTITY_METHODS)}
          {text('identityDetail', 'Identification details (optional)', { max: 200 })}
          <div className="field field-check">
            <label className="check-label">
              <input
                type="checkbox"
                {...fieldAria('outcome-identityConfirmed', 'outcome-location', err('identityConfirmed'))}
                data-testid="outcome-identityConfirmed"
                checked={d.identityConfirmed}
                onChange={(e) => set({ identityConfirmed: e.target.checked })}
              />
              I confirm the person on the call is the subject, identified as above.
            </label>
            {err('identityConfirmed') ? (
              <p id="outcome-identityConfirmed-error" className="field-error">
                {err('identityConfirmed')}
              </p>
            ) : null}
          </div>
          {text('notes', 'Notes (optional)', { long: true, max: 2000 })}
          <p id="outcome-identityConfirmed-hint" className="field-hint">
            The caller’s location is added by the server from their latest position fix, with its accuracy and
            age, when you save.
          </p>
        </>
      ) : null}

      {d.kind === 'missing-person' ? (
        <>
          {choice('status', 'Search status', MISSING_PERSON_STATUSES)}
          {text('reason', 'Reason', {
            long: true,
            max: 2000,
            hint: 'What happened: where they were found, or why the search changed. Required.',
          })}
        </>
      ) : null}

      {d.correcting
        ? text('correctionReason', 'Why this corrects the earlier record', {
            max: 500,
            hint: 'Required. The earlier record is kept, marked as corrected.',
          })
        : null}

      {st.errors.form ? (
        <p className="form-error" role="alert" data-testid="outcome-error">
          {st.errors.form}
        </p>
      ) : null}
      <div className="outcome-actions">
        <button type="submit" className="btn btn-primary" data-testid="outcome-submit" disabled={st.sending}>
          {st.sending ? 'Saving…' : d.correcting ? 'Save correction' : 'Record outcome'}
        </button>
        {d.correcting ? (
          <button type="button" className="btn btn-secondary" onClick={() => store.cancelCorrection()}>
            Cancel correction
          </button>
        ) : null}
      </div>
    </form>
  );
}
