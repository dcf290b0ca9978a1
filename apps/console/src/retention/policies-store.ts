import type { RetentionPolicy } from '@sightline/protocol';
import { type ApiClient, ApiRequestError, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface PoliciesState {
  /** `forbidden`: this officer's roles cannot read policies; lists then show policy ids. */
  status: 'idle' | 'loading' | 'ready' | 'error' | 'forbidden';
  policies: RetentionPolicy[];
  /** How long unclassified evidence is kept. */
  unclassifiedDays: number | null;
  error: string | null;
}

const INITIAL: PoliciesState = { status: 'idle', policies: [], unclassifiedDays: null, error: null };

/** The retention policies, loaded once per sign-in: they change with a server release, not during a shift. */
export class PoliciesStore extends Store<PoliciesState> {
  #pending: Promise<void> | null = null;
  #seq = 0;

  constructor(private readonly api: Pick<ApiClient, 'policies'>) {
    super(INITIAL);
  }

  /** Loads unless already loaded (or loading); failed loads are retried on the next call. */
  load(): Promise<void> {
    const { status } = this.get();
    if (status === 'ready' || status === 'forbidden') return Promise.resolve();
    this.#pending ??= this.fetch().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  private async fetch(): Promise<void> {
    const seq = this.#seq;
    this.patch({ status: 'loading', error: null });
    try {
      const { policies, unclassifiedDays } = await this.api.policies();
      if (seq === this.#seq) this.set({ status: 'ready', policies, unclassifiedDays, error: null });
    } catch (err) {
      if (seq !== this.#seq) return;
      const forbidden = err instanceof ApiRequestError && err.code === 'forbidden';
      this.patch({ status: forbidden ? 'forbidden' : 'error', error: errorMessage(err) });
    }
  }

  /** Forgets the policies (sign-out); an answer still on its way is ignored. */
  reset(): void {
    this.#seq++;
    this.#pending = null;
    this.set(INITIAL);
  }
}
