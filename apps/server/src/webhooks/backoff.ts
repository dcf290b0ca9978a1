/** How retries of a failed delivery are spaced. */
export interface BackoffPolicy {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

/**
 * The wait before retry number `attempt` (1 after the first failure): exponential with "full
 * jitter" (a random wait between half and all of base·2^(attempt-1), capped), so receivers that
 * come back after an outage are not hit by every sender at the same instant. `random` is in [0, 1).
 */
export function retryDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
