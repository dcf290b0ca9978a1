import { syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectCaller,
  errorAnswering,
  eventually,
  jsonApi,
  type OfficerClient,
  openConsole,
  signIn,
  startServer,
  TestClock,
  type TestServer,
} from './harness.js';

// Sharing a session with a field officer (issue 11): the share is the only way in, it is
// audited at every step, and revoking or expiry ends the officer's access at once.

let s: TestServer;
let handler: OfficerClient;
let field: OfficerClient;
let otherField: OfficerClient;
const clock = new TestClock();

beforeAll(async () => {
  s = await startServer({ clock });
  handler = await signIn(s, ['call-handler']);
  field = await signIn(s, ['field-officer']);
  otherField = await signIn(s, ['field-officer']);
});
afterAll(() => s?.close());

const fixAt = (lat: number, lon: number, accuracy = 10) => ({
  lat,
  lon,
  accuracy,
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime: clock.now(),
});

async function share(sessionId: string, officerId: string, durationSeconds = 3600) {
  const res = await handler.request('POST', `/api/sessions/${sessionId}/shares`, {
    officerIds: [officerId],
    durationSeconds,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { shares: { id: string; expiresAt: number }[] }).shares[0]!;
}

const consoleOf = (o: OfficerClient) => openConsole(s, o);

const answer = errorAnswering;

const actions = async (subjectId: string) =>
  (await s.c.audit.list({ limit: 50, subjectId })).map((a) => a.action);

describe('sharing a session with field officers', () => {
  it('refuses a share with someone who is not a field officer, or for less than the shortest time', async () => {
    const caller = await connectCaller(s, handler);
    const notField = await handler.request('POST', `/api/sessions/${caller.sessionId}/shares`, {
      officerIds: [handler.id],
      durationSeconds: 3600,
    });
    expect(notField.status).toBe(400);
    const tooShort = await handler.request('POST', `/api/sessions/${caller.sessionId}/shares`, {
      officerIds: [field.id],
      durationSeconds: 60,
    });
    expect(tooShort.status).toBe(400);
    expect(((await tooShort.json()) as { error: { fields: object } }).error.fields).toHaveProperty(
      'durationSeconds',
    );
    caller.sock.close();
  });

  it('lets a field officer watch only a session shared with them, and audits the share, its opening and its use', async () => {
    const caller = await connectCaller(s, handler);
    const { sessionId } = caller;
    const fieldSock = await consoleOf(field);
    // Nothing by role alone: no watch, no video, no session list, no session page.
    expect((await answer(fieldSock, { type: 'watch', sessionId }))?.code).toBe('forbidden');
    expect((await answer(fieldSock, { type: 'view.start', sessionId }))?.code).toBe('forbidden');
    expect((await field.request('GET', `/api/sessions/${sessionId}`)).status).toBe(403);

    const sh = await share(sessionId, field.id);
    expect(await actions(sh.id)).toContain('share.created');
    const list = (await (await field.request('GET', '/api/field/shares')).json()) as {
      shares: { id: string }[];
    };
    expect(list.shares.map((x) => x.id)).toEqual([sh.id]);
    // Another field officer cannot open it, nor watch the session.
    expect((await otherField.request('GET', `/api/field/shares/${sh.id}`)).status).toBe(404);
    const otherSock = await consoleOf(otherField);
    expect((await answer(otherSock, { type: 'watch', sessionId }))?.code).toBe('forbidden');

    const opened = await field.request('GET', `/api/field/shares/${sh.id}`);
    expect(opened.status).toBe(200);
    const body = (await opened.json()) as Record<string, unknown> & { session: Record<string, unknown> };
    expect(body.session.id).toBe(sessionId);
    // What a field officer sees of the session carries no phone number or verification code.
    expect(JSON.stringify(body)).not.toMatch(/phone|verificationCode/);

    expect(await answer(fieldSock, { type: 'watch', sessionId })).toBeNull();
    // Answered before the pong that `answer` waited for.
    expect(fieldSock.messages.some((m) => m.type === 'field.session' && m.shareId === sh.id)).toBe(true);
    // The video may be asked for now (the caller is not publishing, so "not live", never "forbidden").
    expect((await answer(fieldSock, { type: 'view.start', sessionId }))?.code).toBe('session_not_live');

    caller.sock.send({ type: 'consent', decision: 'accepted' });
    caller.sock.send({ type: 'location.fix', fix: fixAt(51.5074, -0.1278) });
    const got = await fieldSock.next((m) => m.type === 'location.fix' && m.sessionId === sessionId);
    expect(got.fix).toMatchObject({ lat: 51.5074, lon: -0.1278 });
    expect(await actions(sh.id)).toEqual(
      // The list carries the caller's last position, so listing is a read too.
      expect.arrayContaining(['share.created', 'share.listed', 'share.opened', 'share.used']),
    );
    fieldSock.close();
    otherSock.close();
    caller.sock.close();
  });

  it("puts the field officer's position on the control room's map, throttled and audited, never on the caller's page", async () => {
    const caller = await connectCaller(s, handler);
    const { sessionId } = caller;
    const sh = await share(sessionId, field.id);
    const room = await consoleOf(handler);
    room.send({ type: 'watch', sessionId });
    const fieldSock = await consoleOf(field);
    expect(
      await answer(fieldSock, { type: 'field.position', shareId: sh.id, fix: fixAt(51.5, -0.14, 7) }),
    ).toBeNull();
    const pos = await room.next((m) => m.type === 'officer.position' && m.sessionId === sessionId);
    expect(pos.position).toMatchObject({
      officerId: field.id,
      name: expect.stringMatching(/^Officer /),
      accuracy: 7,
    });
    // A second fix at once is dropped (one per two seconds); a bad one is refused by the schema.
    const from = room.messages.length;
    expect(
      await answer(fieldSock, { type: 'field.position', shareId: sh.id, fix: fixAt(51.6, -0.14) }),
    ).toBeNull();
    expect(
      (await answer(fieldSock, { type: 'field.position', shareId: sh.id, fix: { lat: 200 } }))?.code,
    ).toBe('bad_message');
    // A console watching later is told where the officer is.
    const late = await consoleOf(handler);
    late.send({ type: 'watch', sessionId });
    const now = await late.next((m) => m.type === 'officer.position');
    expect(now.position).toMatchObject({ lat: 51.5 });
    expect(room.messages.slice(from).filter((m) => m.type === 'officer.position')).toEqual([]);
    expect(await actions(sh.id)).toContain('officer.position.shared');
    expect(caller.sock.messages.map((m) => m.type)).not.toContain('officer.position');
    expect(JSON.stringify(caller.sock.messages)).not.toContain(field.id);
    room.close();
    late.close();
    fieldSock.close();
    caller.sock.close();
  });

  it('revoking ends the field officer’s access at once: told why, refused after, and off the map', async () => {
    const caller = await connectCaller(s, handler);
    const { sessionId } = caller;
    const sh = await share(sessionId, field.id);
    const room = await consoleOf(handler);
    room.send({ type: 'watch', sessionId });
    const fieldSock = await consoleOf(field);
    expect(await answer(fieldSock, { type: 'watch', sessionId })).toBeNull();
    expect(
      await answer(fieldSock, { type: 'field.position', shareId: sh.id, fix: fixAt(51.5, -0.1) }),
    ).toBeNull();
    await room.next((m) => m.type === 'officer.position');

    const res = await handler.request('POST', `/api/shares/${sh.id}/revoke`);
    expect(res.status).toBe(200);
    const ended = await fieldSock.next((m) => m.type === 'share.changed' && m.shareId === sh.id);
    expect(ended.endReason).toBe('revoked');
    await room.next((m) => m.type === 'officer.position.gone' && m.shareId === sh.id);

    // Refused after: the page, the watch, the video and the position.
    const again = await field.request('GET', `/api/field/shares/${sh.id}`);
    expect(again.status).toBe(410);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('share_ended');
    expect((await answer(fieldSock, { type: 'watch', sessionId }))?.code).toBe('forbidden');
    expect((await answer(fieldSock, { type: 'view.start', sessionId }))?.code).toBe('forbidden');
    expect(
      (await answer(fieldSock, { type: 'field.position', shareId: sh.id, fix: fixAt(51.5, -0.1) }))?.code,
    ).toBe('share_ended');
    // Caller fixes no longer reach the field officer.
    caller.sock.send({ type: 'consent', decision: 'accepted' });
    caller.sock.send({ type: 'location.fix', fix: fixAt(51.51, -0.12) });
    await room.next((m) => m.type === 'location.fix' && m.sessionId === sessionId);
    expect(fieldSock.messages.some((m) => m.type === 'location.fix' && m.sessionId === sessionId)).toBe(
      false,
    );
    expect(await actions(sh.id)).toContain('share.revoked');
    expect((await s.c.shares.positions(sessionId)).length).toBe(0);
    // Revoking twice is a conflict, not a second entry.
    expect((await handler.request('POST', `/api/shares/${sh.id}/revoke`)).status).toBe(409);
    room.close();
    fieldSock.close();
    caller.sock.close();
  });

  it('expiry ends the field officer’s access: told why, refused after, and audited once', async () => {
    const caller = await connectCaller(s, handler);
    const { sessionId } = caller;
    const sh = await share(sessionId, field.id, 300);
    const fieldSock = await consoleOf(field);
    expect(await answer(fieldSock, { type: 'watch', sessionId })).toBeNull();

    clock.t += 301_000;
    // Past its time the share is refused even before the sweep marks it.
    expect((await field.request('GET', `/api/field/shares/${sh.id}`)).status).toBe(410);
    expect(await s.c.shares.expireDue()).toBeGreaterThanOrEqual(1);
    const ended = await fieldSock.next((m) => m.type === 'share.changed' && m.shareId === sh.id);
    expect(ended.endReason).toBe('expired');
    expect((await answer(fieldSock, { type: 'watch', sessionId }))?.code).toBe('forbidden');
    const mine = (await (await field.request('GET', '/api/field/shares')).json()) as { shares: unknown[] };
    expect(mine.shares).not.toContainEqual(expect.objectContaining({ id: sh.id }));
    expect(await s.c.shares.expireDue()).toBe(0);
    await eventually(async () => (await actions(sh.id)).filter((a) => a === 'share.expired').length === 1);
    fieldSock.close();
    caller.sock.close();
  });

  it('a share does not outlive its session: opening or using it after the session ended is refused', async () => {
    const caller = await connectCaller(s, handler);
    const { sessionId } = caller;
    const sh = await share(sessionId, field.id);
    await s.c.sessions.end(sessionId, 'test over', { type: 'system' });
    await eventually(async () => (await field.request('GET', `/api/field/shares/${sh.id}`)).status === 410);
    const fieldSock = await consoleOf(field);
    expect((await answer(fieldSock, { type: 'watch', sessionId }))?.code).toBe('forbidden');
    fieldSock.close();
    caller.sock.close();
  });

  it('a field officer who stops watching loses the shared view with it', async () => {
    const source = new RtpSource();
    await source.start(ensureClip());
    const call = await syntheticCall(s.url, jsonApi(handler), source);
    const { sessionId } = call;
    try {
      await eventually(async () => (await s.c.sessions.get(sessionId)).state === 'live', 60_000);
      await share(sessionId, field.id);
      const fieldSock = await consoleOf(field);
      expect(await answer(fieldSock, { type: 'watch', sessionId })).toBeNull();
      const from = fieldSock.messages.length;
      fieldSock.send({ type: 'view.start', sessionId, id: 'v1' });
      const offer = await fieldSock.next((m) => m.type === 'view.offer', 20_000, from);
      // The view exists while the officer watches...
      expect(await answer(fieldSock, { type: 'view.layer', viewId: offer.viewId, layer: 'high' })).toBeNull();
      // ...and not once they stop: a view must never outlive the watch that a revoke would close.
      expect(await answer(fieldSock, { type: 'unwatch', sessionId })).toBeNull();
      expect((await answer(fieldSock, { type: 'view.stop', viewId: offer.viewId }))?.code).toBe(
        'unknown_view',
      );
      fieldSock.close();
    } finally {
      call.hangUp();
      await source.stop();
    }
  }, 120_000);
});
