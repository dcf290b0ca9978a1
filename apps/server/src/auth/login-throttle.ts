import { isIPv6 } from 'node:net';
import type { Clock } from '../adapters/clock.js';

/** The limits; defaults fit a control room where a whole station shares one NAT address. */
export interface ThrottleLimits {
  /** Failures are forgotten this long after they happen. */
  windowMs: number;
  /** Failures one address may make against one account before it must wait. */
  freeFailuresPerPair: number;
  /** Once an account has this many failures (from anywhere) in the window, it is under attack. */
  accountAttackFailures: number;
  /** The first wait; each further failure doubles it, up to `maxWaitMs`. */
  baseWaitMs: number;
  maxWaitMs: number;
  /** Failures one address may make across all accounts (credential stuffing) in the window. */
  failuresPerAddress: number;
  /** Upper bound on remembered keys, so a spray of invented usernames cannot exhaust memory. */
  maxEntries: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  windowMs: 15 * 60_000,
  freeFailuresPerPair: 5,
  accountAttackFailures: 20,
  baseWaitMs: 30_000,
  maxWaitMs: 15 * 60_000,
  failuresPerAddress: 100,
  maxEntries: 50_000,
};

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

interface PairState {
  failures: number;
  lastFailureAt: number;
}

/**
 * Decides whether a sign-in attempt may have its password checked at all.
 *
 * - Per (account, address): a few free failures, then waits that double. The key includes
 *   the address, so a burst of guesses from elsewhere never locks the officer's own address.
 * - Per account: when failures from all addresses pass a threshold the account is under
 *   attack, and any address that has already failed against it must wait after one failure.
 *   An address that has not failed is still checked, so the correct password gets in.
 * - Per address: a generous cap on failures across all accounts (stuffing), high enough that
 *   one officer's typos, which stop at their own pair limit, cannot reach it for a station.
 *
 * Only checked passwords count; refused attempts do not extend anything. State is in memory:
 * a restart forgets it, which errs towards letting officers in.
 */
export class LoginThrottle {
  readonly #pairs = new Map<string, PairState>();
  readonly #accounts = new Map<string, number[]>();
  readonly #addresses = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
  ) {}

  /** Whether `username` may try a password from `ip` now. */
  check(username: string, ip: string | null): ThrottleVerdict {
    const now = this.clock.now();
    const { windowMs } = this.limits;
    const addr = addressKey(ip);
    const byAddress = recent(this.#addresses.get(addr), now, windowMs);
    if (byAddress.length >= this.limits.failuresPerAddress) {
      return { allowed: false, retryAfterMs: byAddress[0]! + windowMs - now };
    }
    const pair = this.#pair(accountKey(username), addr, now);
    if (!pair) return { allowed: true };
    const underAttack =
      recent(this.#accounts.get(accountKey(username)), now, windowMs).length >=
      this.limits.accountAttackFailures;
    const free = underAttack ? 1 : this.limits.freeFailuresPerPair;
    if (pair.failures < free) return { allowed: true };
    const wait = Math.min(this.limits.maxWaitMs, this.limits.baseWaitMs * 2 ** (pair.failures - free));
    const until = pair.lastFailureAt + wait;
    return until > now ? { allowed: false, retryAfterMs: until - now } : { allowed: true };
  }

  /** Records a checked, wrong password. */
  failed(username: string, ip: string | null): void {
    const now = this.clock.now();
    const account = accountKey(username);
    const addr = addressKey(ip);
    const key = pairKey(account, addr);
    const pair = this.#pair(account, addr, now) ?? { failures: 0, lastFailureAt: now };
    pair.failures += 1;
    pair.lastFailureAt = now;
    touch(this.#pairs, key, pair);
    this.#push(this.#accounts, account, now, this.limits.accountAttackFailures);
    this.#push(this.#addresses, addr, now, this.limits.failuresPerAddress);
    this.#bound();
  }

  /** A correct password clears that address's failures for that account (and nothing else). */
  succeeded(username: string, ip: string | null): void {
    this.#pairs.delete(pairKey(accountKey(username), addressKey(ip)));
  }

  #pair(account: string, addr: string, now: number): PairState | undefined {
    const key = pairKey(account, addr);
    const pair = this.#pairs.get(key);
    if (pair && now - pair.lastFailureAt > this.limits.windowMs) {
      this.#pairs.delete(key);
      return undefined;
    }
    return pair;
  }

  #push(map: Map<string, number[]>, key: string, now: number, keep: number): void {
    const list = recent(map.get(key), now, this.limits.windowMs);
    list.push(now);
    // Only the newest `keep` matter: the threshold is reached or not within them.
    touch(map, key, list.slice(-keep));
  }

  /** Drops the least recently failed keys (Map order, as `touch` re-inserts) once a map is full. */
  #bound(): void {
    for (const map of [this.#pairs, this.#accounts, this.#addresses] as Map<string, unknown>[]) {
      if (map.size <= this.limits.maxEntries) continue;
      for (const key of map.keys()) {
        if (map.size <= this.limits.maxEntries * 0.9) break;
        map.delete(key);
      }
    }
  }
}

function recent(list: number[] | undefined, now: number, windowMs: number): number[] {
  return (list ?? []).filter((t) => now - t < windowMs);
}

function touch<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
}

function pairKey(account: string, addr: string): string {
  return `${account}\u0000${addr}`;
}

/** Usernames are matched case-insensitively for throttling so `Victim` and `victim` share a limit. */
function accountKey(username: string): string {
  return username.trim().toLowerCase().slice(0, 64);
}

/**
 * The address a limit applies to. An IPv6 client usually controls a whole /64, so the limit
 * applies to the /64; an IPv4-mapped address counts as its IPv4 address.
 */
export function addressKey(ip: string | null): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const bare = ip.split('%')[0]!;
  const [head = '', tail = ''] = bare.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = bare.includes('::')
    ? [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
