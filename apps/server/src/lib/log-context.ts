import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving one request, socket message or job carries. */
export interface LogBindings {
  reqId?: string;
  sessionId?: string;
  connId?: string;
  jobId?: string;
  jobType?: string;
  [key: string]: string | undefined;
}

const storage = new AsyncLocalStorage<LogBindings>();

/**
 * The bindings of the work in progress; the process logger mixes them into every line, so a
 * service deep below a route, socket handler or job logs its request, session or job id without
 * being handed a child logger.
 */
export function logContext(): LogBindings {
  return storage.getStore() ?? {};
}

/** Runs `fn` with `bindings` added to the current ones (an inner binding wins). */
export function withLogContext<T>(bindings: LogBindings, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...bindings }, fn);
}
