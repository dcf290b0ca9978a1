import type { ReportPeriod, TakeUpQuery, TakeUpReport } from '@sightline/protocol';
import { errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';
import { rangeError } from './take-up-model.js';

export interface TakeUpState {
  query: TakeUpQuery;
  status: 'idle' | 'loading' | 'ready' | 'error';
  report: TakeUpReport | null;
  error: string | null;
}

/**
 * The take-up report page's state. Each load is an audited read on the server (the report
 * holds callers' own words), so it loads when opened or asked for, never on a timer.
 */
export class TakeUpStore extends Store<TakeUpState> {
  #seq = 0;

  constructor(
    private readonly load: (q: TakeUpQuery) => Promise<TakeUpReport>,
    query: TakeUpQuery,
  ) {
    super({ query, status: 'idle', report: null, error: null });
  }

  setDate(field: 'from' | 'to', value: string): void {
    this.patch({ query: { ...this.get().query, [field]: value } });
  }

  setPeriod(period: ReportPeriod): void {
    this.patch({ query: { ...this.get().query, period } });
  }

  /**
   * Loads the report for the query; a range the server would refuse is refused here first. An
   * error drops the report shown before, so its figures are never read as the new range's.
   */
  async fetch(): Promise<void> {
    const query = this.get().query;
    const invalid = rangeError(query);
    if (invalid) {
      this.patch({ status: 'error', error: invalid, report: null });
      return;
    }
    const seq = ++this.#seq;
    this.patch({ status: 'loading', error: null });
    try {
      const report = await this.load(query);
      if (seq === this.#seq) this.patch({ status: 'ready', report });
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err), report: null });
    }
  }
}
