/** Time source, injected so tests can move time (link expiry, session timeouts). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
