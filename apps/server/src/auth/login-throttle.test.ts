import { describe, expect, it } from 'vitest';
import { addressKey, DEFAULT_LIMITS, LoginThrottle } from './login-throttle.js';

function setup() {
  const clock = {
    t: 1_000_000,
    now() {
      return this.t;
    },
  };
  return { clock, throttle: new LoginThrottle(clock) };
}

function fail(t: LoginThrottle, user: string, ip: string, times: number) {
  for (let i = 0; i < times; i++) t.failed(user, ip);
}

describe('LoginThrottle', () => {
  it('gives one address a few tries at one account, then makes it wait longer each time', () => {
    const { clock, throttle } = setup();
    fail(throttle, 'pc.smith', '198.51.100.7', 4);
    expect(throttle.check('pc.smith', '198.51.100.7').allowed).toBe(true);
    throttle.failed('pc.smith', '198.51.100.7');
    expect(throttle.check('pc.smith', '198.51.100.7')).toEqual({ allowed: false, retryAfterMs: 30_000 });
    clock.t += 30_000;
    expect(throttle.check('pc.smith', '198.51.100.7').allowed).toBe(true);
    throttle.failed('pc.smith', '198.51.100.7');
    expect(throttle.check('pc.smith', '198.51.100.7')).toEqual({ allowed: false, retryAfterMs: 60_000 });
  });

  it("does not lock a colleague at the same address because of one officer's typos", () => {
    const { throttle } = setup();
    fail(throttle, 'typist', '198.51.100.7', 12);
    expect(throttle.check('typist', '198.51.100.7').allowed).toBe(false);
    expect(throttle.check('colleague', '198.51.100.7').allowed).toBe(true);
  });

  it('lets the officer in from an address that has not failed while the account is under attack', () => {
    const { throttle } = setup();
    for (let a = 1; a <= 30; a++) throttle.failed('victim', `203.0.113.${a}`);
    // Under attack, an attacking address must wait after a single failure...
    expect(throttle.check('victim', '203.0.113.1').allowed).toBe(false);
    // ...but the officer's own address is still checked.
    expect(throttle.check('victim', '198.51.100.20').allowed).toBe(true);
  });

  it('caps failures per address across accounts, and a success does not reset that cap', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < DEFAULT_LIMITS.failuresPerAddress; i++) throttle.failed(`user${i}`, '198.51.100.9');
    throttle.succeeded('insider', '198.51.100.9');
    const v = throttle.check('someone-else', '198.51.100.9');
    expect(v.allowed).toBe(false);
    clock.t += DEFAULT_LIMITS.windowMs;
    expect(throttle.check('someone-else', '198.51.100.9').allowed).toBe(true);
  });

  it('forgets failures after the window and after a correct password from that address', () => {
    const { clock, throttle } = setup();
    fail(throttle, 'pc.smith', '198.51.100.7', 5);
    throttle.succeeded('pc.smith', '198.51.100.7');
    expect(throttle.check('pc.smith', '198.51.100.7').allowed).toBe(true);
    fail(throttle, 'pc.smith', '198.51.100.7', 5);
    clock.t += DEFAULT_LIMITS.windowMs + 1;
    expect(throttle.check('pc.smith', '198.51.100.7').allowed).toBe(true);
  });

  it('treats usernames case-insensitively and stays bounded in memory', () => {
    const clock = { now: () => 5 };
    const throttle = new LoginThrottle(clock, { ...DEFAULT_LIMITS, maxEntries: 100 });
    fail(throttle, 'Victim', '198.51.100.7', 5);
    expect(throttle.check('victim', '198.51.100.7').allowed).toBe(false);
    for (let i = 0; i < 1000; i++) throttle.failed(`sprayed${i}`, `2001:db8:${i.toString(16)}::1`);
    // A spray of invented names evicts old keys instead of growing without bound.
    expect(throttle.check('victim', '198.51.100.7').allowed).toBe(true);
  });

  it('limits an IPv6 client by its /64 and an IPv4-mapped address as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:bbbb:0:0:2')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::ffff:192.0.2.4')).toBe('192.0.2.4');
    expect(addressKey('192.0.2.4')).toBe('192.0.2.4');
    expect(addressKey(null)).toBe('unknown');
  });
});
