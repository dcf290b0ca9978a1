import type { Selectable } from 'kysely';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { JobsTable } from '../adapters/db/schema.js';
import { withTransaction } from '../adapters/db/transaction.js';
import type { Random } from '../adapters/random.js';
import { describeProblem, storageErrorMessage, storageProblem } from '../adapters/storage/storage-health.js';
import type { EventPublisher } from '../events/event-bus.js';
import { withLogContext } from '../lib/log-context.js';
import type { Logger } from '../lib/logger.js';

export type JobRow = Selectable<JobsTable>;

export interface JobContext {
  job: JobRow;
  params: unknown;
  /** Reports progress (persisted at most every 500 ms, always at the end). */
  progress(done: number, total: number): void;
  /** Aborted when this instance has lost the job's lease (another instance took it over). */
  signal: AbortSignal;
}

/** Does one job; returns its result (stored as JSON). Must be safe to run again after a crash (resume). */
export type JobHandler = (ctx: JobContext) => Promise<unknown>;

export interface JobRunnerOptions {
  /** This instance's id (config.instanceId): the lease owner named on each job it runs. */
  owner: string;
  /** A running job whose owner has not renewed its lease for this long is taken over by another instance. */
  leaseMs?: number;
  /** How often the runner looks for jobs queued by other instances and for lapsed leases. */
  pollMs?: number;
  /** Where `job.updated` goes: the requesting officer's consoles, on whichever instance they are. */
  events: EventPublisher;
  /** Runs in the transaction that marks a job done (the `export.ready` webhook). */
  onDone?: (trx: Db, job: JobRow) => Promise<void>;
}

const PROGRESS_EVERY_MS = 500;
const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_POLL_MS = 5_000;
/** Claim attempts per look at the queue; more than one so that losing a race does not idle the runner. */
const CANDIDATES = 10;

/**
 * Runs background jobs (exports, redactions) one at a time per instance, from a table so they
 * survive a restart and run once across every instance sharing the database:
 * - a job is claimed by a conditional update (queued → running, with this instance as lease
 *   owner), so of two instances racing for it exactly one wins;
 * - while it runs its lease is renewed; every later write is conditional on still owning it;
 * - a running job is put back in the queue only when its lease has lapsed (its owner crashed
 *   or hung), never while another live instance is running it. Its handler then resumes from
 *   what it had already done.
 */
export class JobRunner {
  readonly #handlers = new Map<string, JobHandler>();
  readonly #owner: string;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  #busy = false;
  #stopped = false;
  #poll: NodeJS.Timeout | null = null;
  #renewal: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly log: Logger,
    private readonly options: JobRunnerOptions,
  ) {
    this.#owner = options.owner;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
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
      lease_owner: null,
      lease_expires_at: null,
    };
    await this.db.insertInto('jobs').values(row).execute();
    this.announce(row);
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

  /** Requeues jobs whose lease has lapsed (a previous run or another instance died), then starts working. */
  async start(): Promise<void> {
    await this.requeueLapsed();
    this.#stopped = false;
    // Jobs queued on other instances and leases lapsing later are found by polling.
    this.#poll ??= setInterval(() => {
      this.requeueLapsed()
        .then(() => this.pump())
        .catch((err: unknown) => this.log.error({ err }, 'jobs: polling the queue failed'));
    }, this.#pollMs);
    this.#poll.unref();
    void this.pump();
  }

  /**
   * Takes no new job and stops renewing the lease of the one running: if this process goes away,
   * another instance resumes that job once its lease lapses.
   */
  stop(): void {
    this.#stopped = true;
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
    if (this.#renewal) clearInterval(this.#renewal);
    this.#renewal = null;
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

  /** Puts running jobs whose lease has lapsed (or that predate leases) back in the queue. */
  private async requeueLapsed(): Promise<void> {
    const now = this.clock.now();
    const res = await this.db
      .updateTable('jobs')
      .set({ state: 'queued', lease_owner: null, lease_expires_at: null })
      .where('state', '=', 'running')
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
      .executeTakeFirst();
    const n = Number(res.numUpdatedRows);
    if (n > 0) this.log.warn({ jobs: n }, 'jobs: resuming jobs whose instance stopped renewing them');
  }

  private async pump(): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      for (;;) {
        if (this.#stopped) return;
        const job = await this.claimNext();
        if (!job) return;
        await this.runOne(job);
      }
    } catch (err) {
      this.log.error({ err }, 'jobs: running the queue failed');
    } finally {
      this.#busy = false;
    }
  }

  /** Claims the oldest queued job another instance has not claimed first; null when none is left. */
  private async claimNext(): Promise<JobRow | null> {
    for (;;) {
      const candidates = await this.db
        .selectFrom('jobs')
        .selectAll()
        .where('state', '=', 'queued')
        .orderBy('created_at')
        .orderBy('id')
        .limit(CANDIDATES)
        .execute();
      if (candidates.length === 0) return null;
      for (const job of candidates) {
        const now = this.clock.now();
        const patch = {
          state: 'running',
          started_at: job.started_at ?? now,
          error: null,
          lease_owner: this.#owner,
          lease_expires_at: now + this.#leaseMs,
        };
        const res = await this.db
          .updateTable('jobs')
          .set(patch)
          .where('id', '=', job.id)
          .where('state', '=', 'queued')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) continue; // another instance won it
        const claimed = { ...job, ...patch };
        this.announce(claimed);
        return claimed;
      }
    }
  }

  /** Runs a claimed job with its id, type and session on every line logged meanwhile (lib/log-context.ts). */
  private runOne(job: JobRow): Promise<void> {
    return withLogContext({ jobId: job.id, jobType: job.type, ...sessionsOf(job.params) }, () =>
      this.runClaimed(job),
    );
  }

  private async runClaimed(job: JobRow): Promise<void> {
    this.log.info({}, 'jobs: job started');
    const handler = this.#handlers.get(job.type);
    const lease = new AbortController();
    this.#renewal = setInterval(
      () => {
        this.renew(job.id).then(
          (held) => {
            if (held || lease.signal.aborted) return;
            this.log.warn({ jobId: job.id }, 'jobs: lost the lease of a running job to another instance');
            lease.abort(new Error('another server instance took this job over'));
          },
          (err: unknown) => this.log.error({ err, jobId: job.id }, 'jobs: renewing a lease failed'),
        );
      },
      Math.max(1, Math.floor(this.#leaseMs / 3)),
    );
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
        this.update(job, { done, total }).catch((err: unknown) =>
          this.log.error({ err, jobId: job.id }, 'jobs: saving progress failed'),
        );
      },
      signal: lease.signal,
    };
    try {
      if (!handler) throw new Error(`no handler for job type ${job.type}`);
      const result = await handler(ctx);
      await this.update(
        job,
        {
          state: 'done',
          finished_at: this.clock.now(),
          result: JSON.stringify(result ?? null),
          done: job.total || job.done,
          total: job.total,
          lease_owner: null,
          lease_expires_at: null,
        },
        this.options.onDone,
      );
      this.log.info({}, 'jobs: job done');
    } catch (err) {
      if (lease.signal.aborted) return; // the instance that took it over reports it
      this.log.error({ err, jobId: job.id, type: job.type }, 'jobs: job failed');
      await this.update(job, {
        state: 'failed',
        finished_at: this.clock.now(),
        error: jobError(err).slice(0, 500),
        lease_owner: null,
        lease_expires_at: null,
      });
    } finally {
      if (this.#renewal) clearInterval(this.#renewal);
      this.#renewal = null;
    }
  }

  /** Extends this instance's lease on a running job; false if it no longer holds it. */
  private async renew(id: string): Promise<boolean> {
    const res = await this.db
      .updateTable('jobs')
      .set({ lease_expires_at: this.clock.now() + this.#leaseMs })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('lease_owner', '=', this.#owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Writes to a job this instance is running; a job another instance has taken over is left alone.
   * `alongside` runs in the same transaction, only if the write happened.
   */
  private async update(
    job: JobRow,
    patch: Partial<JobRow>,
    alongside?: (trx: Db, job: JobRow) => Promise<void>,
  ): Promise<void> {
    // Progress writes (every 500 ms) need no transaction; only a write with something alongside.
    const within = <T>(fn: (db: Db) => Promise<T>) =>
      alongside ? withTransaction(this.db, fn) : fn(this.db);
    const written = await within(async (trx) => {
      const res = await trx
        .updateTable('jobs')
        .set(patch)
        .where('id', '=', job.id)
        .where('state', '=', 'running')
        .where('lease_owner', '=', this.#owner)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await alongside?.(trx, { ...job, ...patch });
      return true;
    });
    if (!written) {
      this.log.warn({ jobId: job.id }, 'jobs: not saving a job another instance has taken over');
      return;
    }
    Object.assign(job, patch);
    this.announce(job);
  }

  private announce(job: JobRow): void {
    this.options.events.publish('job.updated', {
      jobId: job.id,
      jobType: job.type,
      requestedBy: job.requested_by,
      state: job.state,
      done: Number(job.done),
      total: Number(job.total),
    });
  }
}

/** The session (a redaction's `sessionId`) or sessions (an export's `sessionIds`) a job's params name. */
function sessionsOf(paramsJson: string): { sessionId?: string; sessionIds?: string } {
  let p: { sessionId?: unknown; sessionIds?: unknown } | null;
  try {
    p = JSON.parse(paramsJson) as typeof p;
  } catch {
    return {};
  }
  if (typeof p?.sessionId === 'string') return { sessionId: p.sessionId };
  const ids = Array.isArray(p?.sessionIds)
    ? p.sessionIds.filter((x): x is string => typeof x === 'string')
    : [];
  if (ids.length === 1) return { sessionId: ids[0]! };
  return ids.length > 1 ? { sessionIds: ids.join(',') } : {};
}

/** The job's error as an officer reads it: a full or read-only disk is named as such, not as ENOSPC. */
function jobError(err: unknown): string {
  const problem = storageProblem(err);
  if (problem) return storageErrorMessage(describeProblem('spool', problem));
  return err instanceof Error ? err.message : String(err);
}
