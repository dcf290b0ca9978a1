import type { ServerToConsole } from '@sightline/protocol';
import type { ConsoleSocket } from '../signalling/console-socket.js';

/** A `job.updated` message from the console socket. */
export type JobUpdate = Extract<ServerToConsole, { type: 'job.updated' }>;
/** `disposed` (exports only): the package was deleted later, with the media it held. */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'disposed';

const RANK: Record<string, number> = { queued: 0, running: 1, done: 2, failed: 2, disposed: 3 };

/** Done, failed or disposed: the job itself will do nothing more. */
export function isFinished(state: string): boolean {
  return state === 'done' || state === 'failed' || state === 'disposed';
}

/**
 * Whether a report moves a job forward (or leaves its state as it is). Socket
 * messages and poll answers cross, so an older "running" must never undo
 * "done"; the only step after a finish is retention disposing of a done package.
 */
export function isForward(from: string, to: string): boolean {
  if (isFinished(from)) return from === to || (from === 'done' && to === 'disposed');
  return (RANK[to] ?? -1) >= (RANK[from] ?? -1);
}

/** Progress as a whole percentage, or null while the total is not known. */
export function percent(done: number, total: number): number | null {
  if (total <= 0) return null;
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)));
}

export interface JobWatchOptions {
  socket: Pick<ConsoleSocket, 'onMessage' | 'onReconnected'>;
  jobType: JobUpdate['jobType'];
  jobId: string;
  /** Every socket update for this job. */
  onUpdate: (u: JobUpdate) => void;
  /** Reads the job over HTTP; resolves true once it has finished, which ends the watch. */
  poll: () => Promise<boolean>;
  intervalMs?: number;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (t: unknown) => void };
}

/**
 * Follows one export or redaction job until it finishes. The socket brings
 * progress as it happens; a slow poll covers a dropped socket (updates sent
 * meanwhile are lost) and fetches what the socket message does not carry
 * (the zip's hash, the redacted copy's id) once the job is done. Returns stop().
 */
export function watchJob(opts: JobWatchOptions): () => void {
  const timers = opts.timers ?? {
    set: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clear: (t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>),
  };
  const every = opts.intervalMs ?? 3000;
  let stopped = false;
  let timer: unknown = null;
  let polling = false;

  const schedule = () => {
    if (stopped) return;
    if (timer !== null) timers.clear(timer);
    timer = timers.set(() => {
      timer = null;
      void pollNow();
    }, every);
  };

  const pollNow = async () => {
    if (stopped || polling) return;
    polling = true;
    let finished = false;
    try {
      finished = await opts.poll();
    } catch {
      // A failed poll is retried on the next tick; the socket may still deliver meanwhile.
    } finally {
      polling = false;
    }
    if (finished) stop();
    else schedule();
  };

  const offMsg = opts.socket.onMessage((m) => {
    if (stopped || m.type !== 'job.updated' || m.jobType !== opts.jobType || m.jobId !== opts.jobId) return;
    opts.onUpdate(m);
    if (isFinished(m.state)) void pollNow();
  });
  const offRe = opts.socket.onReconnected(() => void pollNow());

  function stop() {
    if (stopped) return;
    stopped = true;
    if (timer !== null) timers.clear(timer);
    timer = null;
    offMsg();
    offRe();
  }

  schedule();
  return stop;
}
