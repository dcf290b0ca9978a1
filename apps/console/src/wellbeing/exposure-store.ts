import type { WellbeingReport } from '@sightline/protocol';
import { errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

export interface ExposureState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  report: WellbeingReport | null;
  days: number;
  error: string | null;
}

/**
 * Loads an exposure report: everyone's (the wellbeing view) or the officer's own (their
 * account page). Each load is one audited read on the server, so nothing polls.
 */
export class ExposureStore extends Store<ExposureState> {
  #seq = 0;

  constructor(private readonly load: (days: number) => Promise<WellbeingReport>) {
    super({ status: 'idle', report: null, days: 7, error: null });
  }

  async fetch(days = this.get().days): Promise<void> {
    const seq = ++this.#seq;
    this.patch({ status: 'loading', days, error: null });
    try {
      const report = await this.load(days);
      if (seq === this.#seq) this.patch({ status: 'ready', report });
    } catch (err) {
      if (seq === this.#seq) this.patch({ status: 'error', error: errorMessage(err) });
    }
  }
}
