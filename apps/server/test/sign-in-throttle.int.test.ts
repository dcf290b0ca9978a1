import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type TestServer } from './harness.js';

// Addresses below come from the documentation ranges (RFC 5737); they only ever appear in
// X-Forwarded-For headers, never as real traffic.
const PASSWORD = 'a-long-test-password';

function login(s: TestServer, username: string, password: string, forwardedFor?: string) {
  return fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ username, password }),
  });
}

async function createOfficer(s: TestServer, username: string): Promise<void> {
  await s.c.officers.create(
    { username, displayName: `PC ${username}`, password: PASSWORD, roles: ['call-handler'] },
    { type: 'system' },
  );
}

describe('behind a trusted proxy (the test client is the proxy)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ env: { SIGHTLINE_TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => s?.close());

  it('lets the real officer sign in from their own address after a burst of wrong passwords from elsewhere', async () => {
    await createOfficer(s, 'victim');
    const statuses: number[] = [];
    for (let a = 1; a <= 6; a++) {
      for (let i = 0; i < 6; i++)
        statuses.push((await login(s, 'victim', `guess-${a}-${i}-xxxxx`, `203.0.113.${a}`)).status);
    }
    // The attacker is slowed down: each of their addresses is refused, even with the right password.
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(0);
    expect(statuses.every((x) => x === 401 || x === 429)).toBe(true);
    expect((await login(s, 'victim', PASSWORD, '203.0.113.1')).status).toBe(429);
    // The officer, from the station's address that never failed, gets in at once.
    expect((await login(s, 'victim', PASSWORD, '198.51.100.20')).status).toBe(200);
  });

  it("does not lock a colleague out because of one officer's typos at the same address", async () => {
    await createOfficer(s, 'typist');
    await createOfficer(s, 'colleague');
    const station = '198.51.100.7';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await login(s, 'typist', `typo-${i}-xxxxxxxx`, station)).status);
    const locked = await login(s, 'typist', PASSWORD, station);
    expect(statuses).toContain(429);
    expect(locked.status).toBe(429);
    const body = (await locked.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/try again in/);
    expect((await login(s, 'colleague', PASSWORD, station)).status).toBe(200);
  });

  it('refuses a known-weak password for a new officer with a clear message', async () => {
    const admin = await signIn(s, ['admin']);
    const res = await admin.request('POST', '/api/officers', {
      username: 'weakling',
      displayName: 'PC Weakling',
      password: 'Password1234!',
      roles: ['call-handler'],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields.password).toMatch(/common/i);

    // A reset is held to the same rules: the officer's own name is refused.
    await createOfficer(s, 'resetme');
    const target = (await s.c.officers.findByUsername('resetme'))!;
    const reset = await admin.request('POST', `/api/officers/${target.id}/password`, {
      password: 'resetme-winter-2026',
      reason: 'forgotten password, identity checked in person',
    });
    expect(reset.status).toBe(400);
    const resetBody = (await reset.json()) as { error: { fields: Record<string, string> } };
    expect(resetBody.error.fields.password).toMatch(/username or name/);
  });
});

describe('a peer that is not a trusted proxy', () => {
  let s: TestServer;
  beforeAll(async () => {
    // Only 192.0.2.1 is trusted; the test client (127.0.0.1) is not.
    s = await startServer({ env: { SIGHTLINE_TRUST_PROXY: '192.0.2.1' } });
  });
  afterAll(() => s?.close());

  it('cannot reset the per-address limit by sending a new X-Forwarded-For each time', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) {
      statuses.push((await login(s, `sprayed${i}`, 'wrong-password-here', `203.0.113.${i + 1}`)).status);
    }
    expect(statuses.slice(0, 100).every((x) => x === 401)).toBe(true);
    expect(statuses[100]).toBe(429);
    // The limit stays on the real peer whatever header comes next.
    expect((await login(s, 'sprayed-new', 'wrong-password-here', '198.51.100.99')).status).toBe(429);
  });
});
