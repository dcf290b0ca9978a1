import type { Outcome, RecordOutcomeRequest, SessionWorkflow, TimelineEvent } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { answerMayBeLost } from '../invites/invite-form.js';
import { Store } from '../lib/store.js';
import {
  correctionDraft,
  type DraftErrors,
  draftRequest,
  EMPTY_DRAFT,
  OUTCOME_EVENTS,
  type OutcomeDraft,
  type OutcomeKind,
} from './outcome-model.js';

export interface OutcomesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  workflow: SessionWorkflow | null;
  outcomes: Outcome[];
  error: string | null;
  draft: OutcomeDraft;
  errors: DraftErrors;
  sending: boolean;
  /** Said once after a record is saved (polite live region). */
  saved: string | null;
}

const INITIAL: OutcomesState = {
  status: 'idle',
  workflow: null,
  outcomes: [],
  error: null,
  draft: EMPTY_DRAFT,
  errors: {},
  sending: false,
  saved: null,
};

/**
 * A session's structured outcomes and the form that records them. Append-only like the
 * rest of the evidence: "Correct" starts a new record that supersedes the old one, which
 * stays on the page marked as superseded. Reloads when the timeline says another officer
 * recorded one, or the server raised or cleared the no-fix alert.
 */
export class OutcomesStore extends Store<OutcomesState> {
  #seq = 0;
  #disposed = false;
  readonly #seen = new Set<string>();
  /**
   * The idempotency key of the submission whose answer never came (network, 5xx): submitting
   * again retries it, so the server cannot record it twice. Any change to the form is a new one.
   */
  #unanswered: string | null = null;

  constructor(
    private readonly api: Pick<ApiClient, 'outcomes' | 'recordOutcome'>,
    private readonly sessionId: string,
    kind: OutcomeKind,
    private readonly newKey: () => string = () => crypto.randomUUID(),
  ) {
    super({ ...INITIAL, draft: { ...EMPTY_DRAFT, kind } });
  }

  /** A changed draft is a new submission: a key is only reused for exactly the same request. */
  override patch(patch: Partial<OutcomesState>): void {
    if ('draft' in patch) this.#unanswered = null;
    super.patch(patch);
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    if (this.get().status !== 'ready') this.patch({ status: 'loading', error: null });
    try {
      const list = await this.api.outcomes(this.sessionId);
      if (seq !== this.#seq || this.#disposed) return;
      const fresh = this.get().status !== 'ready';
      this.patch({ status: 'ready', workflow: list.workflow, outcomes: list.outcomes, error: null });
      // A bail check sent with its details starts from them.
      const check = list.workflow?.check;
      const d = this.get().draft;
      if (fresh && check && d.kind === 'bail-check' && !d.subject) this.patch({ draft: { ...d, ...check } });
    } catch (err) {
      if (seq === this.#seq && !this.#disposed) this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  /** Reloads when the timeline holds an outcome or alert event this store has not seen. */
  onTimeline(events: readonly TimelineEvent[]): void {
    let changed = false;
    for (const e of events) {
      if (!OUTCOME_EVENTS.has(e.type) || this.#seen.has(e.id)) continue;
      this.#seen.add(e.id);
      changed = true;
    }
    if (changed && this.get().status !== 'idle') void this.load();
  }

  setDraft(patch: Partial<OutcomeDraft>): void {
    const errors = { ...this.get().errors };
    for (const k of Object.keys(patch)) delete errors[k as keyof OutcomeDraft];
    delete errors.form;
    this.patch({ draft: { ...this.get().draft, ...patch }, errors, saved: null });
  }

  /** Switches the form to another workflow, keeping nothing typed for the other. */
  choose(kind: OutcomeKind): void {
    const check = this.get().workflow?.check;
    this.patch({
      draft: { ...EMPTY_DRAFT, kind, ...(kind === 'bail-check' && check ? check : {}) },
      errors: {},
      saved: null,
    });
  }

  /** Starts a correction of `o`: its values in the form, to change, and a reason to give. */
  correct(o: Outcome): void {
    this.patch({ draft: correctionDraft(o), errors: {}, saved: null });
  }

  cancelCorrection(): void {
    this.choose(this.get().draft.kind);
  }

  /** Validates and records the draft; returns whether it was saved. */
  async submit(): Promise<boolean> {
    const { draft, sending } = this.get();
    if (sending) return false;
    const req = draftRequest(draft);
    if (!req.ok) {
      this.patch({ errors: req.errors });
      return false;
    }
    this.patch({ sending: true, errors: {} });
    const key = this.#unanswered ?? this.newKey();
    this.#unanswered = key;
    try {
      const saved = await this.api.recordOutcome(this.sessionId, req.body, key);
      this.#unanswered = null;
      if (this.#disposed) return false;
      // A replayed answer may name a record a reload already listed: replace it, never list it twice.
      const outcomes = [
        ...this.get()
          .outcomes.filter((o) => o.id !== saved.id)
          .map((o) => (o.id === saved.supersedes ? { ...o, supersededBy: saved.id } : o)),
        saved,
      ];
      this.patch({
        sending: false,
        outcomes,
        draft: { ...EMPTY_DRAFT, kind: draft.kind },
        saved: draft.correcting ? 'Correction recorded.' : 'Outcome recorded.',
      });
      return true;
    } catch (err) {
      // Only a lost answer keeps the key: the server may have recorded it.
      if (!answerMayBeLost(err)) this.#unanswered = null;
      if (!this.#disposed) this.patch({ sending: false, errors: { form: errorMessage(err) } });
      return false;
    }
  }

  dispose(): void {
    this.#disposed = true;
  }
}

export type { RecordOutcomeRequest };
