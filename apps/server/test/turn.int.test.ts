import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startCoturn } from '@sightline/testkit/engines/coturn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFrom,
  expectJson,
  invite,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  TestClock,
  type TestServer,
  TestSocket,
} from './harness.js';

// TURN credentials as browsers receive them: one per caller session and per officer, in the
// coturn REST scheme, renewed over the socket before they expire, fresh after a reconnect.
// (That coturn accepts them, and refuses expired ones, is e2e/tests/j-turn-relay.spec.ts.)

const SECRET = 'integration-turn-secret';
const TURN_URLS = ['turn:10.77.0.1:3478?transport=udp', 'turns:turn.example.police.uk:443?transport=tcp'];
const TTL_S = 30;

let s: TestServer;
let handler: OfficerClient;
const clock = new TestClock();

beforeAll(async () => {
  s = await startServer({
    clock,
    env: {
      SIGHTLINE_ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]',
      SIGHTLINE_TURN_URLS: TURN_URLS.join(','),
      SIGHTLINE_TURN_SECRET: SECRET,
      SIGHTLINE_TURN_TTL_SECONDS: String(TTL_S),
      SIGHTLINE_CALLER_ICE_POLICY: 'relay',
    },
  });
  handler = await signIn(s, ['call-handler']);
});
afterAll(() => s?.close());

type Server = { urls: string | string[]; username?: string; credential?: string };

/** The TURN entry, checked against an HMAC computed here from the shared secret. */
function turnEntry(servers: Server[]) {
  expect(servers[0]).toEqual({ urls: 'stun:stun.example.org:3478' });
  const turn = servers.find((x) => x.username !== undefined)!;
  expect(turn.urls).toEqual(TURN_URLS);
  expect(turn.credential).toBe(createHmac('sha1', SECRET).update(turn.username!).digest('base64'));
  const [expiry, id] = turn.username!.split(':');
  return { expiresAtMs: Number(expiry) * 1000, id: id! };
}

/** The caller consents, an interpreter is invited into the call and opens their link: their socket. */
async function interpreterSocket(caller: TestSocket, sessionId: string) {
  caller.send({ type: 'consent', decision: 'accepted' });
  await caller.next((m) => m.type === 'consent.recorded');
  const created = await expectJson<{ url: string }>(
    handler.request('POST', `/api/sessions/${sessionId}/interpreters`, {
      name: 'Sam Signer',
      kind: 'bsl',
      language: 'British Sign Language',
      organisation: 'Signs Ltd',
      bookingRef: 'B-1',
    }),
    201,
  );
  const res = await fetch(`${s.url}/api/interpreter/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: new URL(created.url).pathname.split('/').pop() }),
  });
  return TestSocket.open(`${s.wsUrl}/ws/interpreter`, cookieFrom(res, 'sl_interp'));
}

async function callerSocket(cookie: string) {
  const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
  const welcome = await sock.next((m) => m.type === 'welcome');
  return { sock, welcome };
}

describe('TURN credentials handed to browsers', () => {
  it("gives the caller's page its own credential (session id, never the phone number) and the relay policy", async () => {
    const { sessionId, token } = await invite(s, handler, '07700 900123');
    const cookie = cookieFrom(await openLink(s, token), 'sl_caller');
    const { sock, welcome } = await callerSocket(cookie);
    expect(welcome.iceTransportPolicy).toBe('relay');
    const turn = turnEntry(welcome.iceServers as Server[]);
    expect(turn.id).toBe(`c-${sessionId}`);
    expect(turn.expiresAtMs).toBeGreaterThan(clock.now() + (TTL_S - 2) * 1000);
    expect(turn.expiresAtMs).toBeLessThanOrEqual(clock.now() + TTL_S * 1000);
    expect(JSON.stringify(welcome)).not.toMatch(/7700\s?900123|integration-turn-secret/);
    sock.close();
  });

  it("gives each officer's console a credential of their own", async () => {
    const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, handler.cookie);
    const hello = await sock.next((m) => m.type === 'hello');
    expect(turnEntry(hello.iceServers as Server[]).id).toBe(`o-${handler.id}`);
    expect(JSON.stringify(hello)).not.toContain(SECRET);
    sock.close();
  });

  it('renews the credential over the socket at half its lifetime, for caller, console and interpreter', async () => {
    const { sessionId, token } = await invite(s, handler);
    const cookie = cookieFrom(await openLink(s, token), 'sl_caller');
    const { sock, welcome } = await callerSocket(cookie);
    const console_ = await TestSocket.open(`${s.wsUrl}/ws/console`, handler.cookie);
    const hello = await console_.next((m) => m.type === 'hello');
    const interp = await interpreterSocket(sock, sessionId);
    const interpWelcome = await interp.next((m) => m.type === 'welcome');
    const first = turnEntry(welcome.iceServers as Server[]);
    const renewed = await sock.next((m) => m.type === 'ice.servers', (TTL_S / 2 + 5) * 1000);
    expect(renewed.iceTransportPolicy).toBe('relay');
    const next = turnEntry(renewed.iceServers as Server[]);
    expect(next.id).toBe(first.id);
    // Issued about half a lifetime later, so it lasts about that much longer.
    expect(next.expiresAtMs - first.expiresAtMs).toBeGreaterThanOrEqual((TTL_S / 2 - 2) * 1000);
    const consoleRenewed = await console_.next((m) => m.type === 'ice.servers', 10_000);
    expect(turnEntry(consoleRenewed.iceServers as Server[]).expiresAtMs).toBeGreaterThan(
      turnEntry(hello.iceServers as Server[]).expiresAtMs,
    );
    // An interpretation outlives the first credential too.
    const interpRenewed = await interp.next((m) => m.type === 'ice.servers', 10_000);
    expect(turnEntry(interpRenewed.iceServers as Server[]).expiresAtMs).toBeGreaterThan(
      turnEntry(interpWelcome.iceServers as Server[]).expiresAtMs,
    );
    interp.close();
    sock.close();
    console_.close();
  }, 40_000);

  it('stops renewing when a socket closes (no timer left behind per caller or console)', async () => {
    // Count the renewals started and stopped, through the issuer the signalling shares.
    const ice = s.c.ice;
    const keepFresh = ice.keepFresh.bind(ice);
    let running = 0;
    ice.keepFresh = (first, reissue, send) => {
      const stop = keepFresh(first, reissue, send);
      running++;
      return () => {
        running--;
        stop();
      };
    };
    try {
      const { token } = await invite(s, handler);
      const caller = await callerSocket(cookieFrom(await openLink(s, token), 'sl_caller'));
      const console_ = await TestSocket.open(`${s.wsUrl}/ws/console`, handler.cookie);
      await console_.next((m) => m.type === 'hello');
      expect(running).toBe(2);
      caller.sock.close();
      console_.close();
      await expect.poll(() => running, { timeout: 5_000 }).toBe(0);
    } finally {
      ice.keepFresh = keepFresh;
    }
  });

  it('a caller reconnecting hours later (the old credential long expired) gets a fresh one', async () => {
    const { token } = await invite(s, handler);
    const cookie = cookieFrom(await openLink(s, token), 'sl_caller');
    const before = await callerSocket(cookie);
    const old = turnEntry(before.welcome.iceServers as Server[]);
    before.sock.close();
    clock.t += 3 * 3_600_000;
    const after = await callerSocket(cookie);
    const fresh = turnEntry(after.welcome.iceServers as Server[]);
    expect(old.expiresAtMs).toBeLessThan(clock.now());
    expect(fresh.expiresAtMs).toBeGreaterThan(clock.now() + (TTL_S - 2) * 1000);
    after.sock.close();
  });

  it('gives no relay credential to a page that sends no video: a location-only link, a session that is over', async () => {
    const res = await handler.request('POST', '/api/sessions', {
      phone: '07911 123456',
      reference: 'MISPER 7/30NOV',
      mode: 'location',
      locationMinutes: 60,
    });
    const located = (await res.json()) as { link: string };
    const locationOnly = await callerSocket(
      cookieFrom(await openLink(s, located.link.split('/j/')[1]!), 'sl_caller'),
    );
    expect(locationOnly.welcome.iceServers).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
    locationOnly.sock.close();

    const { sessionId, token } = await invite(s, handler);
    const cookie = cookieFrom(await openLink(s, token), 'sl_caller');
    const live = await callerSocket(cookie);
    turnEntry(live.welcome.iceServers as Server[]);
    expect((await handler.request('POST', `/api/sessions/${sessionId}/end`, {})).status).toBe(200);
    await live.sock.next((m) => m.type === 'session.ended');
    // The link still opens the page (it shows the end), but hands out no relay.
    const after = await callerSocket(cookie);
    expect((after.welcome.session as { state: string }).state).toBe('ended');
    expect(after.welcome.iceServers).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
    after.sock.close();
  });

  it('gives no relay credential to officers who cannot watch live video (admin, DPO)', async () => {
    for (const role of ['admin', 'dpo'] as const) {
      const officer = await signIn(s, [role]);
      const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, officer.cookie);
      const hello = await sock.next((m) => m.type === 'hello');
      expect(hello.iceServers, role).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
      sock.close();
    }
  });

  it('shows admins the TURN settings without the secret, and audits each check credential', async () => {
    const admin = await signIn(s, ['admin']);
    const settings = await (await admin.request('GET', '/api/turn')).json();
    expect(settings).toEqual({
      turnConfigured: true,
      turnUrls: TURN_URLS,
      ttlSeconds: TTL_S,
      callerPolicy: 'relay',
      stunUrls: ['stun:stun.example.org:3478'],
    });
    const res = await admin.request('POST', '/api/turn/check', {});
    expect(res.status).toBe(200);
    const grant = (await res.json()) as { iceServers: Server[]; expiresAt: number };
    expect(grant.iceServers).toHaveLength(1); // TURN only: relay-only gathering needs nothing else
    expect(grant.iceServers[0]!.username).toBe(`${grant.expiresAt / 1000}:check-${admin.id}`);
    const audit = await s.c.audit.list({ action: 'turn.credential.issued', limit: 10 });
    const entry = audit.find((e) => e.actorId === admin.id);
    expect(entry?.detail).toEqual({ purpose: 'check', expiresAt: grant.expiresAt });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });
});

describe('the coturn test engine', () => {
  /** turnserver processes this test process started and that are still running. */
  const ourTurnservers = () =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((pid) => {
        try {
          const status = readFileSync(`/proc/${pid}/status`, 'utf8');
          return (
            /^Name:\s+turnserver$/m.test(status) && new RegExp(`^PPid:\\s+${process.pid}$`, 'm').test(status)
          );
        } catch {
          return false; // gone meanwhile
        }
      });
  const coturnDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('sightline-coturn-'));

  it('leaves no turnserver (nor its secret on disk) behind when coturn never listens', async () => {
    const dirsBefore = coturnDirs();
    // An address on no interface: coturn cannot bind it and retries for ever.
    await expect(startCoturn({ listenIp: '10.77.250.1', port: 3478, readyWithinMs: 1_500 })).rejects.toThrow(
      /did not listen/,
    );
    expect(ourTurnservers()).toEqual([]);
    expect(coturnDirs()).toEqual(dirsBefore);
  });
});
