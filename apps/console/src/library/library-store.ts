import type { LibrarySession } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import {
  buildLibraryQuery,
  EMPTY_LIBRARY_FORM,
  type LibraryCache,
  type LibraryForm,
  type LibraryFormErrors,
} from './library-query.js';

export interface LibraryState {
  form: LibraryForm;
  errors: LibraryFormErrors;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  results: LibrarySession[];
  /** Whether a search has been made (an empty list then means "nothing found"). */
  searched: boolean;
}

const INITIAL: LibraryState = {
  form: EMPTY_LIBRARY_FORM,
  errors: {},
  status: 'idle',
  error: null,
  results: [],
  searched: false,
};

/**
 * The evidence library search. Kept in the app (not the page), so going into
 * a session and back shows the same search and results.
 */
export class LibraryStore extends Store<LibraryState> {
  #seq = 0;

  constructor(
    private readonly api: Pick<ApiClient, 'librarySessions'>,
    private readonly cache: LibraryCache,
  ) {
    super(INITIAL);
  }

  setField<K extends keyof LibraryForm>(field: K, value: LibraryForm[K]): void {
    const { [field as string]: _old, ...errors } = this.get().errors as Record<string, string>;
    this.patch({ form: { ...this.get().form, [field]: value }, errors });
  }

  clearForm(): void {
    this.patch({ form: EMPTY_LIBRARY_FORM, errors: {} });
  }

  /** Runs the search in the form; resolves false if the form is wrong or the request failed. */
  async search(): Promise<boolean> {
    const built = buildLibraryQuery(this.get().form);
    if (built.errors) {
      this.patch({ errors: built.errors });
      return false;
    }
    const seq = ++this.#seq;
    this.patch({ status: 'loading', error: null, errors: {} });
    try {
      const results = await this.api.librarySessions(built.query);
      if (seq !== this.#seq) return false;
      this.cache.remember(results);
      this.patch({ status: 'ready', results, searched: true });
      return true;
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err) });
      return false;
    }
  }

  /** Puts a changed session (classified, held) into the results so the list agrees with its page. */
  upsert(s: LibrarySession): void {
    this.cache.remember([s]);
    const results = this.get().results;
    if (results.some((r) => r.id === s.id))
      this.patch({ results: results.map((r) => (r.id === s.id ? s : r)) });
  }

  reset(): void {
    this.#seq++;
    this.set(INITIAL);
  }
}
