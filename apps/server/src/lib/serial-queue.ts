import { withLogContext } from './log-context.js';
import type { Logger } from './logger.js';

/** Runs tasks one at a time, in order. A failed task is logged and does not stop the queue. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  /** When each task waiting or running was queued, oldest first (the queue's length and lag). */
  readonly #queuedAt: number[] = [];
  #seq = 0;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    const queuedAt = Date.now();
    this.#queuedAt.push(queuedAt);
    // Each task's log lines name it, so one ingest's lines can be told from the next one's.
    const context = { jobId: `${this.what}-${++this.#seq}`, jobType: this.what };
    const run = this.#tail
      .then(() => withLogContext(context, task))
      .finally(() => this.#queuedAt.splice(this.#queuedAt.indexOf(queuedAt), 1));
    this.#tail = run.catch((err: unknown) =>
      withLogContext(context, () => this.log.error({ err }, `${this.what}: task failed`)),
    );
    return run;
  }

  /** Tasks waiting or running, and how long the oldest has been in the queue (ms; 0 when empty). */
  backlog(now = Date.now()): { length: number; oldestMs: number } {
    const oldest = this.#queuedAt[0];
    return { length: this.#queuedAt.length, oldestMs: oldest === undefined ? 0 : now - oldest };
  }

  /** Resolves once everything queued so far has finished. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
