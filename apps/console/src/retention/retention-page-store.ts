import type { DisposalReport, LibrarySession } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { Store } from '../lib/store.js';

interface Loaded<T> {
  status: 'idle' | 'loading' | 'ready' | 'error';
  data: T;
  error: string | null;
}

export interface RetentionPageState {
  queue: Loaded<LibrarySession[]>;
  disposal: Loaded<DisposalReport | null>;
}

const INITIAL: RetentionPageState = {
  queue: { status: 'idle', data: [], error: null },
  disposal: { status: 'idle', data: null, error: null },
};

/** Sessions due for review, oldest due first: the most overdue is the first job of the day. */
export function sortQueue(list: readonly LibrarySession[]): LibrarySession[] {
  return [...list].sort(
    (a, b) => (a.reviewDueAt ?? Number.POSITIVE_INFINITY) - (b.reviewDueAt ?? Number.POSITIVE_INFINITY),
  );
}

/** Total bytes the dry run would delete, for the report's summary line. */
export function disposalBytes(report: DisposalReport): number {
  return report.candidates.reduce((n, c) => n + c.items.reduce((m, i) => m + i.size, 0), 0);
}

/** The retention page: the review-due queue and the disposal dry run. Both are read-only here. */
export class RetentionPageStore extends Store<RetentionPageState> {
  constructor(private readonly api: Pick<ApiClient, 'reviewQueue' | 'disposalPreview'>) {
    super(INITIAL);
  }

  load(): Promise<void> {
    return Promise.all([this.loadQueue(), this.loadDisposal()]).then(() => undefined);
  }

  async loadQueue(): Promise<void> {
    this.patch({ queue: { ...this.get().queue, status: 'loading', error: null } });
    try {
      const data = sortQueue(await this.api.reviewQueue());
      this.patch({ queue: { status: 'ready', data, error: null } });
    } catch (err) {
      this.patch({ queue: { ...this.get().queue, status: 'error', error: errorMessage(err) } });
    }
  }

  async loadDisposal(): Promise<void> {
    this.patch({ disposal: { ...this.get().disposal, status: 'loading', error: null } });
    try {
      const data = await this.api.disposalPreview();
      this.patch({ disposal: { status: 'ready', data, error: null } });
    } catch (err) {
      this.patch({ disposal: { ...this.get().disposal, status: 'error', error: errorMessage(err) } });
    }
  }

  reset(): void {
    this.set(INITIAL);
  }
}
