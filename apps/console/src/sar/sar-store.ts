import type { LibrarySession } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { endOfLocalDay, startOfLocalDay } from '../lib/dates.js';
import { Store } from '../lib/store.js';
import type { LibraryCache } from '../library/library-query.js';

export interface SarForm {
  phone: string;
  /** YYYY-MM-DD */
  from: string;
  to: string;
}

export type SarErrors = Partial<Record<keyof SarForm, string>>;

export interface SarState {
  form: SarForm;
  errors: SarErrors;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  results: LibrarySession[];
  /** Session ids chosen for the subject-access export. */
  selected: string[];
}

const INITIAL: SarState = {
  form: { phone: '', from: '', to: '' },
  errors: {},
  status: 'idle',
  error: null,
  results: [],
  selected: [],
};

/** The most sessions one export takes (CreateExportRequest). */
export const MAX_EXPORT_SESSIONS = 50;

/** Checks the subject-access search and builds its query. */
export function buildSarQuery(
  form: SarForm,
): { query: { phone: string; from?: number; to?: number } } | { errors: SarErrors } {
  const errors: SarErrors = {};
  const phone = form.phone.trim();
  if (!phone) errors.phone = "Enter the subject's phone number.";
  else if (phone.length > 32) errors.phone = 'That is too long for a phone number.';
  const from = form.from.trim() ? startOfLocalDay(form.from) : undefined;
  const to = form.to.trim() ? endOfLocalDay(form.to) : undefined;
  if (from === null) errors.from = 'Enter a real date.';
  if (to === null) errors.to = 'Enter a real date.';
  if (typeof from === 'number' && typeof to === 'number' && to < from)
    errors.to = 'The end date is before the start date.';
  if (Object.keys(errors).length) return { errors };
  return {
    query: {
      phone,
      ...(typeof from === 'number' ? { from } : {}),
      ...(typeof to === 'number' ? { to } : {}),
    },
  };
}

/**
 * Subject access: every session with the subject's phone number in a period,
 * and which of them go into the subject-access export.
 */
export class SarStore extends Store<SarState> {
  #seq = 0;

  constructor(
    private readonly api: Pick<ApiClient, 'sarSessions'>,
    private readonly cache: LibraryCache,
  ) {
    super(INITIAL);
  }

  setField(field: keyof SarForm, value: string): void {
    const { [field]: _old, ...errors } = this.get().errors;
    this.patch({ form: { ...this.get().form, [field]: value }, errors });
  }

  async search(): Promise<boolean> {
    const built = buildSarQuery(this.get().form);
    if ('errors' in built) {
      this.patch({ errors: built.errors });
      return false;
    }
    const seq = ++this.#seq;
    this.patch({ status: 'loading', error: null, errors: {} });
    try {
      const results = await this.api.sarSessions(built.query);
      if (seq !== this.#seq) return false;
      this.cache.remember(results);
      // A new search is a new request: start with everything found selected, up to the export limit.
      const selected = results.slice(0, MAX_EXPORT_SESSIONS).map((s) => s.id);
      this.patch({ status: 'ready', results, selected });
      return true;
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err) });
      return false;
    }
  }

  toggle(id: string, on: boolean): void {
    const rest = this.get().selected.filter((x) => x !== id);
    if (on && rest.length >= MAX_EXPORT_SESSIONS) return;
    this.patch({ selected: on ? [...rest, id] : rest });
  }

  selectAll(on: boolean): void {
    this.patch({
      selected: on
        ? this.get()
            .results.slice(0, MAX_EXPORT_SESSIONS)
            .map((s) => s.id)
        : [],
    });
  }

  reset(): void {
    this.#seq++;
    this.set(INITIAL);
  }
}
