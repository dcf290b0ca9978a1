import type { Outcome } from '@sightline/protocol';
import { OUTCOME_LABELS } from '@sightline/protocol/outcome-labels';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { OutcomeForm } from './OutcomeForm.js';
import { KIND_NAMES, type OutcomeKind, outcomeRows } from './outcome-model.js';
import type { OutcomesStore } from './outcomes-store.js';

/**
 * The session's structured outcomes (triage, bail check, missing-person search): every record
 * with who recorded it and when, corrections beside what they corrected, and the form. Records
 * are never edited: the page says so, because an officer will look for the edit button.
 */
export function OutcomesPanel({
  store,
  kinds,
  canRecord,
  now,
}: {
  store: OutcomesStore;
  kinds: OutcomeKind[];
  canRecord: boolean;
  now: number;
}) {
  const st = useStore(store);
  const check = st.workflow?.check;
  return (
    <section className="card outcomes-card" aria-labelledby="outcomes-title" data-testid="outcomes">
      <div className="card-head">
        <h2 id="outcomes-title">Outcomes</h2>
        <span className="muted">{st.outcomes.length ? `${st.outcomes.length}` : ''}</span>
      </div>
      {check ? (
        <p className="outcome-check" data-testid="outcome-check">
          Check sent with the link: <strong>{check.subject}</strong>,{' '}
          {OUTCOME_LABELS[check.condition].toLowerCase()} ({check.conditionDetail})
        </p>
      ) : null}
      {st.workflow?.kind === 'missing-person' && st.workflow.fixAlertMinutes !== null ? (
        <p className="muted">
          Missing person search: the console alerts after {st.workflow.fixAlertMinutes} min without a
          position.
        </p>
      ) : null}
      {st.status === 'error' ? (
        <p className="form-error" role="alert">
          {st.error}
        </p>
      ) : null}
      {st.status === 'ready' && st.outcomes.length === 0 ? (
        <p className="muted">No outcome recorded yet.</p>
      ) : null}
      {st.outcomes.length ? (
        <ol className="outcome-list" aria-label="Recorded outcomes">
          {st.outcomes.map((o) => (
            <OutcomeItem
              key={o.id}
              o={o}
              all={st.outcomes}
              now={now}
              onCorrect={canRecord ? () => store.correct(o) : null}
            />
          ))}
        </ol>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {st.saved ?? ''}
      </p>
      {canRecord ? (
        <>
          <p className="field-hint">
            Outcomes are part of the evidence record: they cannot be edited or deleted. To put one right, use
            Correct: the original stays, marked as corrected.
          </p>
          <OutcomeForm store={store} kinds={kinds} />
        </>
      ) : null}
    </section>
  );
}

function OutcomeItem({
  o,
  all,
  now,
  onCorrect,
}: {
  o: Outcome;
  all: Outcome[];
  now: number;
  onCorrect: (() => void) | null;
}) {
  const superseded = o.supersededBy !== null;
  const corrects = o.supersedes ? all.find((x) => x.id === o.supersedes) : null;
  return (
    <li
      className={`outcome-item${superseded ? ' outcome-superseded' : ''}`}
      data-testid="outcome-item"
      data-kind={o.record.kind}
      data-superseded={superseded ? 'true' : 'false'}
    >
      <div className="outcome-head">
        <h3>{KIND_NAMES[o.record.kind]}</h3>
        {superseded ? <span className="tag">Corrected</span> : null}
        <span className="muted small" data-testid="outcome-by">
          {o.recordedBy.name}, {formatDateTime(o.recordedAt)}
        </span>
      </div>
      {corrects ? (
        <p className="small">
          Corrects the record of {formatDateTime(corrects.recordedAt)}: {o.correctionReason}
        </p>
      ) : null}
      <dl className="outcome-rows">
        {outcomeRows(o.record, now).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {onCorrect && !superseded ? (
        <button type="button" className="btn btn-secondary btn-small" onClick={onCorrect}>
          Correct this record
        </button>
      ) : null}
    </li>
  );
}
