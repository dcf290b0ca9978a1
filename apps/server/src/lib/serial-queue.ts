import type { Logger } from './logger.js';

/** Runs tasks one at a time, in order. A failed task is logged and does not stop the queue. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch((err: unknown) => this.log.error({ err }, `${this.what}: task failed`));
    return run;
  }

  /** Resolves once everything queued so far has finished. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
