import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  invite,
  type OfficerClient,
  signIn,
  startServer,
  TestClock,
  type TestServer,
  TestSocket,
} from './harness.js';

let s: TestServer;
const clock = new TestClock();
let handler: OfficerClient;
let supervisor: OfficerClient;

beforeAll(async () => {
  s = await startServer({ clock });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
});
afterAll(() => s?.close());

let phones = 0;
/** A different mobile number each time (invites to one number are limited per hour). */
const nextPhone = () => `07911 1234${String(phones++).padStart(2, '0')}`;

/** A session with one stored evidence item (its location track: real bytes in the evidence store). */
async function sessionWithEvidence(): Promise<{ sessionId: string; itemId: string; size: number }> {
  const { sessionId } = await invite(s, handler, nextPhone());
  const track = Array.from({ length: 40 }, (_, i) => ({
    lat: 51.5 + i * 1e-4,
    lon: -0.12,
    accuracy: 6,
    altitude: null,
    altitudeAccuracy: null,
    heading: null,
    speed: null,
    fixTime: Date.now() + i * 1000,
    receivedAt: Date.now() + i * 1000,
  }));
  await s.c.evidence.saveLocationTrack(sessionId, track);
  const item = (await s.c.evidence.list(sessionId))[0]!;
  return { sessionId, itemId: item.id, size: item.size };
}

/** Audit entries about `subjectId` by `officer`, with `action`. */
async function entries(subjectId: string, action: string, officer?: OfficerClient) {
  const all = await s.c.audit.list({ limit: 500, subjectId, action });
  return officer ? all.filter((e) => e.actorId === officer.id) : all;
}

async function startViewing(officer: OfficerClient, itemId: string) {
  const res = await officer.request('POST', `/api/evidence/${itemId}/viewings`, {});
  expect(res.status).toBe(201);
  return (await res.json()) as { viewingId: string; expiresAt: number; url: string };
}

describe('evidence bytes: play and download', () => {
  it('a ranged request outside a viewing is never served unaudited: a call handler is refused, a supervisor is served a download and it is audited', async () => {
    const { itemId, size } = await sessionWithEvidence();

    const sneaky = await handler.request('GET', `/api/evidence/${itemId}/content`, undefined, {
      range: 'bytes=1-',
    });
    expect(sneaky.status).toBe(403);
    const whole = await handler.request('GET', `/api/evidence/${itemId}/content`);
    expect(whole.status).toBe(403);
    expect(await entries(itemId, 'evidence.playback', handler)).toHaveLength(0);

    const ranged = await supervisor.request('GET', `/api/evidence/${itemId}/content`, undefined, {
      range: 'bytes=1-',
    });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(size - 1);
    expect(ranged.headers.get('content-disposition')).toMatch(/^attachment/);
    const downloads = await entries(itemId, 'evidence.download', supervisor);
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.detail).toMatchObject({ range: { start: 1, end: size - 1 } });

    // Every download request is its own entry.
    await (await supervisor.request('GET', `/api/evidence/${itemId}/content?download=1`)).arrayBuffer();
    expect(await entries(itemId, 'evidence.download', supervisor)).toHaveLength(2);
  });

  it('playback is one audited viewing: its ranged requests are served to its officer only, for that item, until it expires', async () => {
    const { itemId, size } = await sessionWithEvidence();
    const other = await sessionWithEvidence();

    const v = await startViewing(handler, itemId);
    expect(v.url).toBe(`/api/evidence/${itemId}/content?viewing=${v.viewingId}`);
    const viewings = await entries(itemId, 'evidence.playback', handler);
    expect(viewings).toHaveLength(1);
    expect(viewings[0]!.detail).toMatchObject({ viewingId: v.viewingId, expiresAt: v.expiresAt });

    for (const range of ['bytes=0-', 'bytes=1-', 'bytes=10-19', 'bytes=-5']) {
      const res = await handler.request('GET', v.url, undefined, { range });
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-disposition')).toMatch(/^inline/);
      await res.arrayBuffer();
    }
    // The player's many requests stay one viewing in the trail.
    expect(await entries(itemId, 'evidence.playback', handler)).toHaveLength(1);
    expect((await (await handler.request('GET', v.url)).arrayBuffer()).byteLength).toBe(size);

    // The viewing is the handler's, for this item only.
    expect((await supervisor.request('GET', v.url, undefined, { range: 'bytes=1-' })).status).toBe(403);
    const elsewhere = `/api/evidence/${other.itemId}/content?viewing=${v.viewingId}`;
    expect((await handler.request('GET', elsewhere, undefined, { range: 'bytes=1-' })).status).toBe(403);

    // Pressing Play again a moment later is the same viewing; after it expires, nothing is served.
    expect((await startViewing(handler, itemId)).viewingId).toBe(v.viewingId);
    clock.t = v.expiresAt + 1;
    expect((await handler.request('GET', v.url, undefined, { range: 'bytes=1-' })).status).toBe(403);
    const next = await startViewing(handler, itemId);
    expect(next.viewingId).not.toBe(v.viewingId);
    expect(await entries(itemId, 'evidence.playback', handler)).toHaveLength(2);
  });

  it('a role without evidence:download cannot turn a viewing into a download', async () => {
    const { itemId } = await sessionWithEvidence();
    const v = await startViewing(handler, itemId);
    const res = await handler.request('GET', `${v.url}&download=1`);
    expect(res.status).toBe(403);
    expect(await entries(itemId, 'evidence.download', handler)).toHaveLength(0);
  });
});

describe('every read of personal data is audited', () => {
  it('chat messages, notes, the evidence list and library detail each record who read them', async () => {
    const { sessionId } = await sessionWithEvidence();
    const paths: Array<[string, string]> = [
      [`/api/sessions/${sessionId}/messages`, 'chat.read'],
      [`/api/sessions/${sessionId}/notes`, 'notes.read'],
      [`/api/sessions/${sessionId}/evidence`, 'evidence.list'],
      [`/api/library/sessions/${sessionId}`, 'library.read'],
    ];
    for (const [path, action] of paths) {
      expect((await supervisor.request('GET', path)).status, path).toBe(200);
      const got = await entries(sessionId, action, supervisor);
      expect(got, action).toHaveLength(1);
      expect(got[0]!.subjectType).toBe('session');
      // Reading again straight away is the same read (the console re-fetches as things change).
      await supervisor.request('GET', path);
      expect(await entries(sessionId, action, supervisor), action).toHaveLength(1);
    }
    // Another officer's read is their own entry.
    await handler.request('GET', `/api/sessions/${sessionId}/messages`);
    expect(await entries(sessionId, 'chat.read', handler)).toHaveLength(1);
  });

  it('a console watching a session over the socket is recorded', async () => {
    const { sessionId } = await invite(s, handler, nextPhone());
    const con = await TestSocket.open(`${s.wsUrl}/ws/console`, supervisor.cookie);
    await con.next((m) => m.type === 'hello');
    con.send({ type: 'watch', id: 'w1', sessionId });
    con.send({ type: 'watch', id: 'w2', sessionId });
    con.send({ type: 'ping', id: 'p1' });
    await con.next((m) => m.type === 'pong');
    const got = await entries(sessionId, 'session.watch', supervisor);
    expect(got).toHaveLength(1);
    expect(got[0]!.actorName).toBeTruthy();
    con.close();
  });

  it('reading the audit trail is itself recorded, with the filter asked for', async () => {
    const auditor = await signIn(s, ['dpo']);
    const res = await auditor.request('GET', '/api/audit?limit=20&action=auth.login');
    expect(res.status).toBe(200);
    const [entry] = await entries('all', 'audit.read', auditor);
    expect(entry?.detail).toMatchObject({ action: 'auth.login', limit: 20 });
  });
});
