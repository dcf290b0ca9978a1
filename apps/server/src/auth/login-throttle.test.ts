import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { cryptoRandom } from '../adapters/random.js';
import { LoginFailureRepository } from './login-failure.repository.js';
import { addressKey, DEFAULT_LIMITS, LoginThrottle } from './login-throttle.js';

let db: Db;
beforeEach(async () => {
  db = openDatabase('sqlite::memory:');
  await migrateToLatest(db);
});
afterEach(() => db.destroy());

function setup() {
  const clock = {
    t: 1_000_000,
    now() {
      return this.t;
    },
  };
  return { clock, throttle: new LoginThrottle(new LoginFailureRepository(db, cryptoRandom), clock) };
}

async function fail(t: LoginThrottle, user: string, ip: string, times: number) {
  for (let i = 0; i < times; i++) await t.failed(user, ip);
}

describe('LoginThrottle', async () => {
  it('gives one address a few tries at one account, then makes it wait longer each time', async () => {
    const { clock, throttle } = setup();
    await fail(throttle, 'pc.smith', '198.51.100.7', 4);
    expect((await throttle.check('pc.smith', '198.51.100.7')).allowed).toBe(true);
    await throttle.failed('pc.smith', '198.51.100.7');
    expect(await throttle.check('pc.smith', '198.51.100.7')).toEqual({
      allowed: false,
      retryAfterMs: 30_000,
    });
    clock.t += 30_000;
    expect((await throttle.check('pc.smith', '198.51.100.7')).allowed).toBe(true);
    await throttle.failed('pc.smith', '198.51.100.7');
    expect(await throttle.check('pc.smith', '198.51.100.7')).toEqual({
      allowed: false,
      retryAfterMs: 60_000,
    });
  });

  it("does not lock a colleague at the same address because of one officer's typos", async () => {
    const { throttle } = setup();
    await fail(throttle, 'typist', '198.51.100.7', 12);
    expect((await throttle.check('typist', '198.51.100.7')).allowed).toBe(false);
    expect((await throttle.check('colleague', '198.51.100.7')).allowed).toBe(true);
  });

  it('lets the officer in from an address that has not failed while the account is under attack', async () => {
    const { throttle } = setup();
    for (let a = 1; a <= 30; a++) await throttle.failed('victim', `203.0.113.${a}`);
    // Under attack, an attacking address must wait after a single failure...
    expect((await throttle.check('victim', '203.0.113.1')).allowed).toBe(false);
    // ...but the officer's own address is still checked.
    expect((await throttle.check('victim', '198.51.100.20')).allowed).toBe(true);
  });

  it('caps failures per address across accounts, and a success does not reset that cap', async () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < DEFAULT_LIMITS.failuresPerAddress; i++)
      await throttle.failed(`user${i}`, '198.51.100.9');
    await throttle.succeeded('insider', '198.51.100.9');
    const v = await throttle.check('someone-else', '198.51.100.9');
    expect(v.allowed).toBe(false);
    clock.t += DEFAULT_LIMITS.windowMs;
    expect((await throttle.check('someone-else', '198.51.100.9')).allowed).toBe(true);
  });

  it('forgets failures after the window and after a correct password from that address', async () => {
    const { clock, throttle } = setup();
    await fail(throttle, 'pc.smith', '198.51.100.7', 5);
    await throttle.succeeded('pc.smith', '198.51.100.7');
    expect((await throttle.check('pc.smith', '198.51.100.7')).allowed).toBe(true);
    await fail(throttle, 'pc.smith', '198.51.100.7', 5);
    clock.t += DEFAULT_LIMITS.windowMs + 1;
    expect((await throttle.check('pc.smith', '198.51.100.7')).allowed).toBe(true);
  });

  it('treats usernames case-insensitively and keeps only one window of failures', async () => {
    const { clock, throttle } = setup();
    await fail(throttle, 'Victim', '198.51.100.7', 5);
    expect((await throttle.check('victim', '198.51.100.7')).allowed).toBe(false);
    for (let i = 0; i < 50; i++) await throttle.failed(`sprayed${i}`, `2001:db8:${i.toString(16)}::1`);
    clock.t += DEFAULT_LIMITS.windowMs + 1;
    await throttle.failed('someone', '192.0.2.1');
    // A spray of invented names does not pile up: each failure clears what is past the window.
    expect(await db.selectFrom('login_failures').select('account').execute()).toEqual([
      { account: 'someone' },
    ]);
    expect(await db.selectFrom('login_pairs').select('account').execute()).toEqual([{ account: 'someone' }]);
  });

  it('holds across server instances: failures made through one count on another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'throttle-'));
    const url = `sqlite:${join(dir, 'db.sqlite')}`;
    const [dbA, dbB] = [openDatabase(url), openDatabase(url)];
    try {
      await migrateToLatest(dbA);
      const clock = { now: () => 1_000_000 };
      const a = new LoginThrottle(new LoginFailureRepository(dbA, cryptoRandom), clock);
      const b = new LoginThrottle(new LoginFailureRepository(dbB, cryptoRandom), clock);
      for (let i = 0; i < 5; i++) await (i % 2 ? a : b).failed('pc.smith', '198.51.100.7');
      expect(await a.check('pc.smith', '198.51.100.7')).toEqual({ allowed: false, retryAfterMs: 30_000 });
      expect(await b.check('pc.smith', '198.51.100.7')).toEqual({ allowed: false, retryAfterMs: 30_000 });
      await b.succeeded('pc.smith', '198.51.100.7');
      expect((await a.check('pc.smith', '198.51.100.7')).allowed).toBe(true);
    } finally {
      await dbA.destroy();
      await dbB.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives an account ten second-factor checks per window from everywhere, even fired at once', async () => {
    const { clock, throttle } = setup();
    const n = DEFAULT_LIMITS.codeChecksPerAccount;
    const burst = await Promise.all(
      Array.from({ length: 3 * n }, () => throttle.reserveCodeCheck('officer-1')),
    );
    let allowed = burst.filter((c) => c.allowed).length;
    expect(allowed).toBeLessThanOrEqual(n);
    while ((await throttle.reserveCodeCheck('officer-1')).allowed) allowed++;
    expect(allowed).toBe(n);
    // Refused tries are not counted, so hammering does not push the wait further out.
    clock.t += DEFAULT_LIMITS.windowMs - 1;
    expect((await throttle.reserveCodeCheck('officer-1')).allowed).toBe(false);
    clock.t += 1;
    expect((await throttle.reserveCodeCheck('officer-1')).allowed).toBe(true);
    // Another officer has their own checks; a right code gives its check back.
    const other = await throttle.reserveCodeCheck('officer-2');
    expect(other.allowed).toBe(true);
    if (other.allowed) await other.release();
    for (let i = 0; i < n; i++) expect((await throttle.reserveCodeCheck('officer-2')).allowed).toBe(true);
    expect((await throttle.reserveCodeCheck('officer-2')).allowed).toBe(false);
  });

  it('cannot be spent by wrong passwords typed for a username that looks like the key', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 30; i++) await throttle.failed(`code:officer-3`, `203.0.113.${i}`);
    expect((await throttle.reserveCodeCheck('officer-3')).allowed).toBe(true);
  });

  it('limits an IPv6 client by its /64 and an IPv4-mapped address as IPv4', async () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:bbbb:0:0:2')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::ffff:192.0.2.4')).toBe('192.0.2.4');
    expect(addressKey('192.0.2.4')).toBe('192.0.2.4');
    expect(addressKey(null)).toBe('unknown');
  });
});
