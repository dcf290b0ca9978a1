import type { LibrarySession, RetentionPolicy } from '@sightline/protocol';
import type { FormEvent } from 'react';
import { formatDate } from '../lib/dates.js';
import { Field, fieldAria } from '../lib/Field.js';
import { formatDateTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import { describePolicy, describeRetention, needsDateOfBirth } from './retention-model.js';
import type { RetentionStore } from './retention-store.js';

/**
 * How long this session's evidence is kept and why: policy, dates, legal
 * hold. Supervisors (retention:manage) classify, hold and review here.
 */
export function RetentionPanel({
  library,
  libraryStatus,
  policies,
  store,
  canManage,
  now,
}: {
  library: LibrarySession | null;
  libraryStatus: 'loading' | 'ready' | 'missing' | 'error';
  policies: RetentionPolicy[];
  store: RetentionStore;
  canManage: boolean;
  now: number;
}) {
  const st = useStore(store);
  const view = library ? describeRetention(library, policies, now) : null;

  return (
    <section className="card retention-card" aria-labelledby="retention-title">
      <div className="card-head">
        <h2 id="retention-title">Retention</h2>
        {view?.hold ? <span className="tag tag-hold">Legal hold</span> : null}
      </div>
      <p
        className="retention-status"
        data-testid="retention-status"
        data-classified={view?.classified ?? false}
      >
        {view ? view.status : libraryStatus === 'loading' ? 'Loading…' : 'Not classified'}
      </p>
      {libraryStatus === 'missing' || libraryStatus === 'error' ? (
        <p className="muted small">The retention record of this session could not be read.</p>
      ) : null}
      {library && view ? (
        <dl className="facts retention-facts">
          <div>
            <dt>Classified</dt>
            <dd>
              {library.classifiedAt !== null
                ? `${formatDateTime(library.classifiedAt)}${library.classifiedBy ? ` by ${library.classifiedBy.name}` : ''}`
                : 'Not yet'}
            </dd>
          </div>
          <div>
            <dt>Keep until</dt>
            <dd>{view.retainUntil}</dd>
          </div>
          <div>
            <dt>Review due</dt>
            <dd className={view.reviewDue ? 'due' : ''}>
              {view.reviewDueAt !== null ? formatDate(view.reviewDueAt) : 'No review set'}
              {view.reviewDue ? ' (due now)' : ''}
            </dd>
          </div>
          <div className="facts-wide">
            <dt>Legal hold</dt>
            <dd data-testid="hold-status" data-hold={library.legalHold ? 'true' : 'false'}>
              {library.legalHold ? `On hold: ${library.holdReason ?? 'no reason recorded'}` : 'No legal hold'}
            </dd>
          </div>
          {view.disposed && library.disposedAt !== null ? (
            <div className="facts-wide">
              <dt>Disposed</dt>
              <dd>{formatDateTime(library.disposedAt)}: the files are deleted; their hashes remain.</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      <div role="status" className="form-error-slot">
        {st.message ? <p className="success">{st.message}</p> : null}
      </div>
      {canManage && !view?.disposed ? (
        <>
          <ClassifyForm store={store} policies={policies} />
          <HoldForm store={store} held={library?.legalHold ?? false} />
          {view?.reviewDue ? <ReviewForm store={store} /> : null}
        </>
      ) : null}
    </section>
  );
}

function ClassifyForm({ store, policies }: { store: RetentionStore; policies: RetentionPolicy[] }) {
  const c = useStore(store).classify;
  const policy = policies.find((p) => p.id === c.policyId);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.classify();
  };
  return (
    <form className="stack retention-form" onSubmit={onSubmit} noValidate aria-labelledby="classify-title">
      <h3 id="classify-title">Classify</h3>
      <Field
        id="classify-policy"
        label="Retention policy"
        hint={policy ? describePolicy(policy) : null}
        error={c.errors.policyId}
      >
        <select
          {...fieldAria('classify-policy', policy ? 'y' : null, c.errors.policyId)}
          data-testid="classify-policy"
          value={c.policyId}
          onChange={(e) => store.setClassify('policyId', e.target.value)}
        >
          <option value="">Choose a policy…</option>
          {policies.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </Field>
      {needsDateOfBirth(policy) ? (
        <Field
          id="classify-dob"
          label="Subject's date of birth"
          hint={`Kept until the subject is ${policy?.retainUntilSubjectAge}.`}
          error={c.errors.dob}
        >
          <input
            {...fieldAria('classify-dob', 'y', c.errors.dob)}
            type="date"
            data-testid="classify-dob"
            value={c.dob}
            onChange={(e) => store.setClassify('dob', e.target.value)}
          />
        </Field>
      ) : null}
      <Field
        id="classify-clear"
        label="Clear period starts (optional)"
        hint="Leave empty for today."
        error={c.errors.clearStart}
      >
        <input
          {...fieldAria('classify-clear', 'y', c.errors.clearStart)}
          type="date"
          value={c.clearStart}
          onChange={(e) => store.setClassify('clearStart', e.target.value)}
        />
      </Field>
      <Field id="classify-reason" label="Reason" error={c.errors.reason}>
        <input
          {...fieldAria('classify-reason', null, c.errors.reason)}
          data-testid="classify-reason"
          autoComplete="off"
          value={c.reason}
          onChange={(e) => store.setClassify('reason', e.target.value)}
        />
      </Field>
      {c.errors.form ? (
        <p className="form-error" role="alert">
          {c.errors.form}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" data-testid="classify-submit" disabled={c.sending}>
        {c.sending ? 'Saving…' : 'Save classification'}
      </button>
    </form>
  );
}

function HoldForm({ store, held }: { store: RetentionStore; held: boolean }) {
  const h = useStore(store).hold;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.toggleHold();
  };
  return (
    <form className="stack retention-form" onSubmit={onSubmit} noValidate aria-labelledby="hold-title">
      <h3 id="hold-title">Legal hold</h3>
      <p className="small muted">
        {held
          ? 'Evidence on hold is never disposed of. Release the hold only when the case allows it.'
          : 'A hold keeps the evidence past its retention date, e.g. for an appeal or a civil claim.'}
      </p>
      <Field id="hold-reason" label={held ? 'Reason for releasing' : 'Reason for the hold'} error={h.error}>
        <input
          {...fieldAria('hold-reason', null, h.error)}
          data-testid="hold-reason"
          autoComplete="off"
          value={h.reason}
          onChange={(e) => store.setHoldReason(e.target.value)}
        />
      </Field>
      <button
        type="submit"
        className={`btn ${held ? 'btn-secondary' : 'btn-primary'}`}
        data-testid="hold-submit"
        data-action={held ? 'release' : 'hold'}
        disabled={h.sending}
      >
        {h.sending ? 'Saving…' : held ? 'Release legal hold' : 'Place legal hold'}
      </button>
    </form>
  );
}

function ReviewForm({ store }: { store: RetentionStore }) {
  const r = useStore(store).review;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void store.review();
  };
  return (
    <form className="stack retention-form" onSubmit={onSubmit} noValidate aria-labelledby="review-title">
      <h3 id="review-title">Record the review</h3>
      <fieldset className="roles">
        <legend>Outcome</legend>
        {(['retain', 'dispose'] as const).map((o) => (
          <label key={o} className="check">
            <input
              type="radio"
              name="review-outcome"
              value={o}
              data-testid={`review-${o}`}
              checked={r.outcome === o}
              onChange={() => store.setReview({ outcome: o })}
            />
            {o === 'retain' ? 'Keep the evidence' : 'Dispose of the evidence'}
          </label>
        ))}
      </fieldset>
      <Field id="review-reason" label="Reason" error={r.error}>
        <input
          {...fieldAria('review-reason', null, r.error)}
          data-testid="review-reason"
          autoComplete="off"
          value={r.reason}
          onChange={(e) => store.setReview({ reason: e.target.value })}
        />
      </Field>
      <button type="submit" className="btn btn-primary" data-testid="review-submit" disabled={r.sending}>
        {r.sending ? 'Saving…' : 'Record review'}
      </button>
    </form>
  );
}
