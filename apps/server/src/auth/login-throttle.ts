import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Clock } from '../adapters/clock.js';
import type { LoginFailureRepository } from './login-failure.repository.js';

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
  /** Second-factor codes one account may have checked in the window, from all addresses together. */
  codeChecksPerAccount: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  windowMs: 15 * 60_000,
  freeFailuresPerPair: 5,
  accountAttackFailures: 20,
  baseWaitMs: 30_000,
  maxWaitMs: 15 * 60_000,
  failuresPerAddress: 100,
  codeChecksPerAccount: 10,
};

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };
/** A second-factor check that may go ahead; `release` it when the code was right (it was no guess). */
export type CodeCheck =
  | { allowed: true; release: () => Promise<void> }
  | { allowed: false; retryAfterMs: number };

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
 * Only checked passwords count; refused attempts do not extend anything. The counts are kept in
 * the database (LoginFailureRepository), so they hold across every server instance sharing it
 * and across restarts, and only one window of failures is ever kept.
 */
export class LoginThrottle {
  constructor(
    private readonly failures: LoginFailureRepository,
    private readonly clock: Clock,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
  ) {}

  /** Whether `username` may try a password from `ip` now. */
  async check(username: string, ip: string | null): Promise<ThrottleVerdict> {
    const now = this.clock.now();
    const { windowMs } = this.limits;
    const account = accountKey(username);
    const addr = addressKey(ip);
    const byAddress = await this.failures.recentForAddress(
      addr,
      now - windowMs,
      this.limits.failuresPerAddress,
    );
    if (byAddress.length >= this.limits.failuresPerAddress) {
      return { allowed: false, retryAfterMs: byAddress[0]! + windowMs - now };
    }
    const pair = await this.failures.pair(account, addr);
    if (!pair || now - pair.lastFailureAt > windowMs) return { allowed: true };
    const underAttack =
      (await this.failures.recentForAccount(account, now - windowMs, this.limits.accountAttackFailures))
        .length >= this.limits.accountAttackFailures;
    const free = underAttack ? 1 : this.limits.freeFailuresPerPair;
    if (pair.failures < free) return { allowed: true };
    const wait = Math.min(this.limits.maxWaitMs, this.limits.baseWaitMs * 2 ** (pair.failures - free));
    const until = pair.lastFailureAt + wait;
    return until > now ? { allowed: false, retryAfterMs: until - now } : { allowed: true };
  }

  /** Records a checked, wrong password. */
  async failed(username: string, ip: string | null): Promise<void> {
    const now = this.clock.now();
    await this.failures.record(accountKey(username), addressKey(ip), now, now - this.limits.windowMs);
  }

  /**
   * Reserves one check of a second-factor code (TOTP or recovery code) for the officer. The
   * per-address limits are no bound on a six-digit code: whoever holds the password can spread
   * guesses over many addresses (an IPv6 /48 is 65,536 of them). So an account has
   * `codeChecksPerAccount` checks per window from everywhere together. The check is written
   * before it is counted, so parallel requests cannot all pass a count taken before any of them
   * failed; a refused reservation is taken back, so hammering does not extend the wait.
   */
  async reserveCodeCheck(officerId: string): Promise<CodeCheck> {
    const now = this.clock.now();
    const { windowMs, codeChecksPerAccount: limit } = this.limits;
    const account = codeAccountKey(officerId);
    const id = await this.failures.record(account, CODE_ADDRESS, now, now - windowMs);
    const recent = await this.failures.recentForAccount(account, now - windowMs, limit + 1);
    if (recent.length <= limit) return { allowed: true, release: () => this.failures.forget(id) };
    await this.failures.forget(id);
    return { allowed: false, retryAfterMs: Math.max(1000, recent[0]! + windowMs - now) };
  }

  /** A correct password clears that address's failures for that account (and nothing else). */
  async succeeded(username: string, ip: string | null): Promise<void> {
    await this.failures.clearPair(accountKey(username), addressKey(ip));
  }
}

/** Stands in for the address on second-factor reservations (never an address key). */
const CODE_ADDRESS = '-';

/**
 * The key second-factor checks are counted under: longer than any `accountKey` (64 characters),
 * so no username typed at the password form can spend another officer's checks.
 */
function codeAccountKey(officerId: string): string {
  return `code:${createHash('sha256').update(officerId).digest('hex')}`;
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
