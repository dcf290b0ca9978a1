import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocationFix, TimelineEvent } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFrom,
  eventually,
  exportPackage,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  TestClock,
  type TestServer,
  TestSocket,
} from './harness.js';
import { readZip } from './zip-tools.js';

// Issue 13 item 5: a phone sharing its location for six hours, a fix every 10 s, with a
// reconnect and a page reload in the middle, each re-sending what it was not sure of. The
// server clock runs as fast as the test (rate limits refill by it), so six hours take seconds.

const clock = new TestClock();
const STEP_MS = 10_000;
const HOURS = 6;
const FIXES = (HOURS * 3600_000) / STEP_MS;
const BATCH = 60; // ten minutes of track
let s: TestServer;
let handler: OfficerClient;
let supervisor: OfficerClient;

beforeAll(async () => {
  s = await startServer({ clock });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
});
afterAll(async () => {
  await s?.close();
});

const fixAt = (i: number, t0: number): LocationFix => ({
  lat: 51.5 + i * 1e-5 + Math.sin(i / 90) * 2e-3,
  lon: -0.12 + Math.cos(i / 70) * 2e-3,
  accuracy: 5 + (i % 30),
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: 1.2,
  fixTime: t0 + i * STEP_MS,
});

/** Sends fixes and waits until the server has acknowledged each one. */
async function sendAll(sock: TestSocket, fixes: LocationFix[]): Promise<void> {
  const from = sock.messages.length;
  for (const fix of fixes) sock.send({ type: 'location.fix', fix });
  const want = new Set(fixes.map((f) => f.fixTime));
  await eventually(() => {
    const acked = new Set(
      sock.messages
        .slice(from)
        .filter((m) => m.type === 'location.stored')
        .map((m) => m.fixTime as number),
    );
    const refused = sock.messages.slice(from).find((m) => m.type === 'error');
    if (refused) throw new Error(`refused: ${JSON.stringify(refused)}`);
    return [...want].every((t) => acked.has(t));
  }, 30_000);
}

async function callerSocket(cookie: string): Promise<TestSocket> {
  const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
  await sock.next((m) => m.type === 'chat.history');
  return sock;
}

async function locationSession(): Promise<TestSocket> {
  const res = await handler.request('POST', '/api/sessions', {
    phone: '07911 123456',
    reference: 'MISPER 6/30NOV',
    mode: 'location',
    locationMinutes: 8 * 60,
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { link: string };
  const sock = await callerSocket(cookieFrom(await openLink(s, body.link.split('/j/')[1]!), 'sl_caller'));
  sock.send({ type: 'consent', decision: 'accepted' });
  await sock.next((m) => m.type === 'consent.recorded');
  return sock;
}

describe('a six-hour location track', () => {
  it('does not refuse new fixes because the phone re-sent fixes the server already had', async () => {
    const sock = await locationSession();
    const t0 = clock.now();
    const all = Array.from({ length: 700 }, (_, i) => fixAt(i, t0));
    // 570 new fixes, 10 s apart on the server clock (each message allowance refilled): the
    // location allowance (600, +2 a second) has 90 left. Then 190 fixes already stored, as a
    // page re-sends after a reconnect, then 100 new ones: each is stored and acknowledged.
    for (const [i, batch] of [
      all.slice(0, 190),
      all.slice(190, 380),
      all.slice(380, 570),
      all.slice(0, 190),
      all.slice(570, 670),
    ].entries()) {
      clock.t = t0 + i * 10_000;
      await sendAll(sock, batch);
    }
    sock.close();
  });

  it('keeps every fix once across a reconnect and a reload, tells the officer tracking stopped and resumed, and the export GPX holds every fix', async () => {
    const res = await handler.request('POST', '/api/sessions', {
      phone: '07911 123456',
      reference: 'MISPER 6/30NOV',
      mode: 'location',
      locationMinutes: 8 * 60,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { session: { id: string }; link: string };
    const sessionId = body.session.id;
    const cookie = cookieFrom(await openLink(s, body.link.split('/j/')[1]!), 'sl_caller');
    let sock = await callerSocket(cookie);
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');

    const t0 = clock.now();
    const all = Array.from({ length: FIXES }, (_, i) => fixAt(i, t0));
    const half = FIXES / 2;
    for (let i = 0; i < FIXES; i += BATCH) {
      clock.t = t0 + (i + BATCH) * STEP_MS;
      const batch = all.slice(i, i + BATCH);
      if (i === half) {
        // The connection drops mid-batch: half of it goes nowhere certain.
        for (const fix of batch.slice(0, BATCH / 2)) sock.send({ type: 'location.fix', fix });
        sock.ws.terminate();
        // Reconnected, the page sends the last minutes again, and says tracking was cut off.
        sock = await callerSocket(cookie);
        await sendAll(sock, all.slice(i - BATCH, i + BATCH));
        sock.send({ type: 'location.status', stopped: 'offline', since: clock.now() - 5 * 60_000 });
        sock.send({ type: 'location.status', stopped: null, since: clock.now() });
        continue;
      }
      if (i === half + 6 * BATCH) {
        // A reload: the device copy (IndexedDB) sends what it holds unconfirmed (here, generously,
        // the last twenty minutes again) with this batch.
        sock.close();
        sock = await callerSocket(cookie);
        await sendAll(sock, all.slice(i - 2 * BATCH, i + BATCH));
        continue;
      }
      await sendAll(sock, batch);
    }

    const track = await s.c.location.track(sessionId);
    expect(track).toHaveLength(FIXES);
    expect(new Set(track.map((f) => f.fixTime)).size).toBe(FIXES);
    expect(track.map((f) => f.fixTime).sort((a, b) => a - b)).toEqual(all.map((f) => f.fixTime));

    const timeline = (await (await handler.request('GET', `/api/sessions/${sessionId}`)).json()) as {
      timeline: TimelineEvent[];
    };
    const tracking = timeline.timeline.filter((e) => e.type.startsWith('tracking.'));
    expect(tracking.map((e) => [e.type, e.detail])).toEqual([
      ['tracking.stopped', 'offline'],
      ['tracking.resumed', null],
    ]);
    sock.close();

    // Ended, stored as evidence, exported: the GPX has one point per fix, each time once.
    expect((await handler.request('POST', `/api/sessions/${sessionId}/end`, {})).status).toBe(200);
    await eventually(async () =>
      (await s.c.evidence.list(sessionId)).some((e) => e.kind === 'location-track'),
    );
    const zip = await exportPackage(supervisor, [sessionId], 'long-track test');
    const zipPath = join(mkdtempSync(join(tmpdir(), 'long-track-')), 'package.zip');
    writeFileSync(zipPath, zip);
    const files = await readZip(zipPath);
    const gpxName = [...files.keys()].find((n) => n.endsWith('/location/track.gpx'));
    expect(gpxName).toBeDefined();
    const gpx = files.get(gpxName!)!.toString();
    const times = [...gpx.matchAll(/<trkpt lat="[-\d.]+" lon="[-\d.]+">.*?<time>([^<]+)<\/time>/g)].map((m) =>
      Date.parse(m[1]!),
    );
    expect(times).toHaveLength(FIXES);
    expect(times.sort((a, b) => a - b)).toEqual(all.map((f) => f.fixTime));
  });
});
