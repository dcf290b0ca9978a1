import type { CallerToServer } from '@sightline/protocol';

/** A token bucket: up to `burst` at once, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * Chat is what a person types: 10 at once, then one every 2 s. Everything else the page
 * sends on its own (fixes, candidates, pings, quality) gets a far larger allowance:
 * a reconnect sends a few dozen candidates at once, and a fix arrives about once a second.
 */
export const CALLER_LIMITS = {
  chat: { burst: 10, perSecond: 0.5 },
  any: { burst: 200, perSecond: 20 },
} as const;

/** How often the console is told about one caller being throttled (once per burst). */
export const THROTTLE_NOTICE_MS = 60_000;

export type ThrottleKind = 'chat' | 'messages';

/** Limits one caller session's socket messages; kept per session so a reconnect does not refill it. */
export class CallerLimiter {
  readonly #chat: TokenBucket;
  readonly #any: TokenBucket;
  readonly #noticed = new Map<ThrottleKind, number>();

  constructor(private readonly now: () => number) {
    this.#chat = new TokenBucket(CALLER_LIMITS.chat.burst, CALLER_LIMITS.chat.perSecond, now);
    this.#any = new TokenBucket(CALLER_LIMITS.any.burst, CALLER_LIMITS.any.perSecond, now);
  }

  /** Null if `msg` may go through, or which limit it hit. */
  check(msg: CallerToServer): ThrottleKind | null {
    if (!this.#any.take()) return 'messages';
    if (msg.type === 'chat.send' && !this.#chat.take()) return 'chat';
    return null;
  }

  /** Whether this refusal should be reported (the first of a burst, then once a minute). */
  shouldNotice(kind: ThrottleKind): boolean {
    const last = this.#noticed.get(kind);
    if (last !== undefined && this.now() - last < THROTTLE_NOTICE_MS) return false;
    this.#noticed.set(kind, this.now());
    return true;
  }
}
