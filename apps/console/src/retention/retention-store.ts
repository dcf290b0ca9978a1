import type { LibrarySession, RetentionPolicy } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import { buildClassify, type ClassifyErrors, type ClassifyForm, reasonError } from './retention-model.js';

export interface RetentionFormsState {
  classify: ClassifyForm & { sending: boolean; errors: ClassifyErrors };
  hold: { reason: string; sending: boolean; error: string | null };
  review: { outcome: 'retain' | 'dispose'; reason: string; sending: boolean; error: string | null };
  /** What the last action did, for the status line. */
  message: string | null;
}

const INITIAL: RetentionFormsState = {
  classify: { policyId: '', reason: '', dob: '', clearStart: '', sending: false, errors: {} },
  hold: { reason: '', sending: false, error: null },
  review: { outcome: 'retain', reason: '', sending: false, error: null },
  message: null,
};

export interface RetentionStoreDeps {
  api: Pick<ApiClient, 'classify' | 'hold' | 'review'>;
  sessionId: string;
  policies: () => readonly RetentionPolicy[];
  /** The session's retention facts as the server now has them. */
  current: () => LibrarySession | null;
  onUpdated: (s: LibrarySession) => void;
  now?: () => number;
}

/** The retention panel's three forms: classify, legal hold, review. Every change needs a reason. */
export class RetentionStore extends Store<RetentionFormsState> {
  constructor(private readonly deps: RetentionStoreDeps) {
    super(INITIAL);
  }

  setClassify<K extends keyof ClassifyForm>(field: K, value: string): void {
    const c = this.get().classify;
    const { [field]: _old, form: _f, ...errors } = c.errors;
    this.patch({ classify: { ...c, [field]: value, errors }, message: null });
  }

  async classify(): Promise<boolean> {
    const c = this.get().classify;
    if (c.sending) return false;
    const built = buildClassify(c, this.deps.policies(), (this.deps.now ?? Date.now)());
    if ('errors' in built) {
      this.patch({ classify: { ...c, errors: built.errors } });
      return false;
    }
    this.patch({ classify: { ...c, sending: true, errors: {} }, message: null });
    try {
      const updated = await this.deps.api.classify(this.deps.sessionId, built.body);
      this.deps.onUpdated(updated);
      this.patch({ classify: { ...INITIAL.classify }, message: 'Classification saved.' });
      return true;
    } catch (err) {
      this.patch({ classify: { ...this.get().classify, sending: false, errors: classifyErrors(err) } });
      return false;
    }
  }

  setHoldReason(reason: string): void {
    this.patch({ hold: { ...this.get().hold, reason, error: null }, message: null });
  }

  /** Places the hold if there is none, releases it if there is: one button, labelled for what it will do. */
  async toggleHold(): Promise<boolean> {
    const h = this.get().hold;
    if (h.sending) return false;
    const hold = !this.deps.current()?.legalHold;
    const error = reasonError(h.reason, hold ? 'the legal hold' : 'releasing the hold');
    if (error) {
      this.patch({ hold: { ...h, error } });
      return false;
    }
    this.patch({ hold: { ...h, sending: true, error: null }, message: null });
    try {
      const updated = await this.deps.api.hold(this.deps.sessionId, { hold, reason: h.reason.trim() });
      this.deps.onUpdated(updated);
      this.patch({
        hold: { ...INITIAL.hold },
        message: updated.legalHold ? 'Legal hold placed.' : 'Legal hold released.',
      });
      return true;
    } catch (err) {
      this.patch({ hold: { ...this.get().hold, sending: false, error: errorMessage(err) } });
      return false;
    }
  }

  setReview(patch: Partial<Pick<RetentionFormsState['review'], 'outcome' | 'reason'>>): void {
    this.patch({ review: { ...this.get().review, ...patch, error: null }, message: null });
  }

  async review(): Promise<boolean> {
    const r = this.get().review;
    if (r.sending) return false;
    const error = reasonError(r.reason, 'this review decision');
    if (error) {
      this.patch({ review: { ...r, error } });
      return false;
    }
    this.patch({ review: { ...r, sending: true, error: null }, message: null });
    try {
      const updated = await this.deps.api.review(this.deps.sessionId, {
        outcome: r.outcome,
        reason: r.reason.trim(),
      });
      this.deps.onUpdated(updated);
      this.patch({
        review: { ...INITIAL.review },
        message:
          r.outcome === 'retain'
            ? 'Review recorded: the evidence is kept.'
            : 'Review recorded: the evidence will be disposed of.',
      });
      return true;
    } catch (err) {
      this.patch({ review: { ...this.get().review, sending: false, error: errorMessage(err) } });
      return false;
    }
  }
}

/** Server field errors go under their field; anything else under the form. */
function classifyErrors(err: unknown): ClassifyErrors {
  if (err instanceof ApiRequestError) {
    const map: Record<string, keyof ClassifyErrors> = {
      policyId: 'policyId',
      reason: 'reason',
      subjectDateOfBirth: 'dob',
      clearPeriodStart: 'clearStart',
    };
    const out: ClassifyErrors = {};
    for (const [k, v] of Object.entries(err.fields)) {
      const field = map[k];
      if (field) out[field] = v.charAt(0).toUpperCase() + v.slice(1);
    }
    if (Object.keys(out).length) return out;
  }
  return { form: errorMessage(err) };
}
