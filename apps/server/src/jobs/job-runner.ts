import type { Selectable } from 'kysely';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { JobsTable } from '../adapters/db/schema.js';
import type { Random } from '../adapters/random.js';
import { describeProblem, storageErrorMessage, storageProblem } from '../adapters/storage/storage-health.js';
import type { Logger } from '../lib/logger.js';
import { TypedEmitter } from '../lib/typed-emitter.js';

export type JobRow = Selectable<JobsTable>;

export interface JobContext {
  job: JobRow;
  params: unknown;
  /** Reports progress (persisted at most every 500 ms, always at the end). */
  progress(done: number, total: number): void;
}

/** Does one job; returns its result (stored as JSON). Must be safe to run again after a crash (resume). */
export type JobHandler = (ctx: JobContext) => Promise<unknown>;

export interface JobEvents {
  updated: (job: JobRow) => void;
}

const PROGRESS_EVERY_MS = 500;

/**
 * Runs background jobs (exports, redactions) one at a time, from a table so they
 * survive a restart: a job that was running when the server stopped is picked up
 * again at the next start, and its handler resumes from what it had already done.
 */
export class JobRunner extends TypedEmitter<JobEvents> {
  readonly #handlers = new Map<string, JobHandler>();
  #busy = false;
  #stopped = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly log: Logger,
  ) {
    super();
  }

  register(type: string, handler: JobHandler): void {
    this.#handlers.set(type, handler);
  }

  async enqueue(type: string, params: unknown, requestedBy: string): Promise<JobRow> {
    const row: JobRow = {
      id: this.random.id(),
      type,
      state: 'queued',
      params: JSON.stringify(params),
      requested_by: requestedBy,
      created_at: this.clock.now(),
      started_at: null,
      finished_at: null,
      done: 0,
      total: 0,
      result: null,
      error: null,
    };
    await this.db.insertInto('jobs').values(row).execute();
    this.safeEmit('updated', row);
    void this.pump();
    return row;
  }

  get(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(type: string, limit = 50): Promise<JobRow[]> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', type)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Requeues jobs a previous run left running, then starts working. */
  async start(): Promise<void> {
    const interrupted = await this.db
      .updateTable('jobs')
      .set({ state: 'queued' })
      .where('state', '=', 'running')
      .executeTakeFirst();
    if (Number(interrupted.numUpdatedRows) > 0)
      this.log.warn({ jobs: Number(interrupted.numUpdatedRows) }, 'jobs: resuming interrupted jobs');
    this.#stopped = false;
    void this.pump();
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Resolves when no job is running or queued (tests). */
  async idle(): Promise<void> {
    for (;;) {
      const pending = await this.db
        .selectFrom('jobs')
        .select('id')
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (!pending && !this.#busy) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async pump(): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      for (;;) {
        if (this.#stopped) return;
        const job = await this.db
          .selectFrom('jobs')
          .selectAll()
          .where('state', '=', 'queued')
          .orderBy('created_at')
          .limit(1)
          .executeTakeFirst();
        if (!job) return;
        await this.runOne(job);
      }
    } finally {
      this.#busy = false;
    }
  }

  private async runOne(job: JobRow): Promise<void> {
    const handler = this.#handlers.get(job.type);
    await this.update(job, { state: 'running', started_at: job.started_at ?? this.clock.now(), error: null });
    let last = 0;
    const ctx: JobContext = {
      job,
      params: JSON.parse(job.params),
      progress: (done, total) => {
        job.done = done;
        job.total = total;
        const now = this.clock.now();
        if (now - last < PROGRESS_EVERY_MS) return;
        last = now;
        void this.update(job, { done, total });
      },
    };
    try {
      if (!handler) throw new Error(`no handler for job type ${job.type}`);
      const result = await handler(ctx);
      await this.update(job, {
        state: 'done',
        finished_at: this.clock.now(),
        result: JSON.stringify(result ?? null),
        done: job.total || job.done,
        total: job.total,
      });
    } catch (err) {
      this.log.error({ err, jobId: job.id, type: job.type }, 'jobs: job failed');
      await this.update(job, {
        state: 'failed',
        finished_at: this.clock.now(),
        error: jobError(err).slice(0, 500),
      });
    }
  }

  private async update(job: JobRow, patch: Partial<JobRow>): Promise<void> {
    Object.assign(job, patch);
    await this.db.updateTable('jobs').set(patch).where('id', '=', job.id).execute();
    this.safeEmit('updated', { ...job });
  }
}

/** The job's error as an officer reads it: a full or read-only disk is named as such, not as ENOSPC. */
function jobError(err: unknown): string {
  const problem = storageProblem(err);
  if (problem) return storageErrorMessage(describeProblem('spool', problem));
  return err instanceof Error ? err.message : String(err);
}
