import type { ExportJob } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { isFinished, watchJob } from '../jobs/job-watch.js';
import { Store } from '../lib/store.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import {
  type ExportAction,
  type ExportState,
  initialExport,
  reduceExport,
  validateExportReason,
} from './export-model.js';

export interface ExportStoreDeps {
  api: Pick<ApiClient, 'createExport' | 'exportJob' | 'signingKey'>;
  socket: Pick<ConsoleSocket, 'onMessage' | 'onReconnected'>;
  kind: ExportJob['kind'];
  /** Which sessions go in the zip, read at submit time (the SAR page's selection changes). */
  sessionIds: () => string[];
  /** Starts the job some other way than POST /api/exports (an incident's package); given the reason. */
  start?: (reason: string) => Promise<ExportJob>;
  pollMs?: number;
}

/**
 * "Export evidence": asks for a reason, starts the export job, follows it to
 * the end and offers the zip with its SHA-256 and how to verify it.
 */
export class ExportStore extends Store<ExportState> {
  #stopWatch: (() => void) | null = null;
  #disposed = false;
  /** Bumped by reset(), so an answer to a request made before it is ignored. */
  #gen = 0;

  constructor(private readonly deps: ExportStoreDeps) {
    super(initialExport);
  }

  dispatch(action: ExportAction): void {
    this.set((s) => reduceExport(s, action));
  }

  open(): void {
    this.dispatch({ type: 'open' });
    if (!this.get().key) void this.loadKey();
  }

  close(): void {
    this.dispatch({ type: 'close' });
  }

  setReason(reason: string): void {
    this.dispatch({ type: 'reason', reason });
  }

  /** Starts the export; resolves true when the server accepted it. */
  async submit(): Promise<boolean> {
    const { reason, sending, job } = this.get();
    if (sending || (job && !isFinished(job.state))) return false;
    const invalid = validateExportReason(reason);
    const sessionIds = this.deps.sessionIds();
    if (invalid || sessionIds.length === 0) {
      this.dispatch({ type: 'invalid', error: invalid ?? 'Choose at least one session to export.' });
      return false;
    }
    this.dispatch({ type: 'sending' });
    const gen = this.#gen;
    try {
      const created = this.deps.start
        ? await this.deps.start(reason.trim())
        : await this.deps.api.createExport({ sessionIds, reason: reason.trim(), kind: this.deps.kind });
      if (this.#disposed || gen !== this.#gen) return false;
      this.dispatch({ type: 'created', job: created });
      this.follow(created);
      return true;
    } catch (err) {
      if (!this.#disposed && gen === this.#gen) this.dispatch({ type: 'rejected', error: errorMessage(err) });
      return false;
    }
  }

  /** Forgets the export (sign-out); the store stays usable. */
  reset(): void {
    this.#gen++;
    this.#stopWatch?.();
    this.#stopWatch = null;
    this.set(initialExport);
  }

  /** Stops following the job (the page is going away). */
  dispose(): void {
    this.#disposed = true;
    this.#stopWatch?.();
    this.#stopWatch = null;
  }

  private follow(job: ExportJob): void {
    this.#stopWatch?.();
    this.#stopWatch = null;
    if (isFinished(job.state)) return;
    this.#stopWatch = watchJob({
      socket: this.deps.socket,
      jobType: 'export',
      jobId: job.id,
      ...(this.deps.pollMs ? { intervalMs: this.deps.pollMs } : {}),
      onUpdate: (update) => this.dispatch({ type: 'progress', update }),
      poll: async () => {
        const polled = await this.deps.api.exportJob(job.id);
        if (this.#disposed) return true;
        this.dispatch({ type: 'polled', job: polled });
        return isFinished(polled.state);
      },
    });
  }

  private async loadKey(): Promise<void> {
    try {
      const key = await this.deps.api.signingKey();
      if (!this.#disposed) this.dispatch({ type: 'key', key });
    } catch {
      // The dialog still works; it just cannot print the fingerprint.
    }
  }
}
