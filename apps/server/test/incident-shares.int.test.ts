import type { IncidentSummary } from '@sightline/protocol';
import { syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectCaller,
  errorAnswering,
  eventually,
  expectJson,
  jsonApi,
  type OfficerClient,
  openConsole,
  signIn,
  startServer,
  type TestServer,
} from './harness.js';

// Sharing an incident with a field officer (issue 11): the share covers whichever sessions are
// in the incident at each use, a session taken out is closed at once, and everything is audited
// as for a session share.

let s: TestServer;
let handler: OfficerClient;
let field: OfficerClient;
let dpo: OfficerClient;

beforeAll(async () => {
  s = await startServer();
  handler = await signIn(s, ['call-handler']);
  field = await signIn(s, ['field-officer']);
  dpo = await signIn(s, ['dpo']);
});
afterAll(() => s?.close());

const json = expectJson;
const createIncident = (sessionId: string) =>
  json<IncidentSummary>(
    handler.request('POST', '/api/incidents', { title: 'Fight on High St', sessionId }),
    201,
  );
const addTo = (incidentId: string, sessionId: string) =>
  json(handler.request('POST', `/api/incidents/${incidentId}/sessions`, { sessionId }));
const takeOut = (sessionId: string) => json(handler.request('DELETE', `/api/sessions/${sessionId}/incident`));
async function shareIncident(incidentId: string) {
  const body = await json<{ shares: { id: string; incidentId: string | null; sessionId: string | null }[] }>(
    handler.request('POST', `/api/incidents/${incidentId}/shares`, {
      officerIds: [field.id],
      durationSeconds: 3600,
    }),
    201,
  );
  return body.shares[0]!;
}
const consoleOf = (o: OfficerClient) => openConsole(s, o);
const answer = errorAnswering;
const entries = async (subjectId: string) => (await s.c.audit.list({ limit: 100, subjectId })).reverse();
const fixAt = (lat: number, lon: number) => ({
  lat,
  lon,
  accuracy: 9,
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime: Date.now(),
});

describe('sharing an incident with field officers', () => {
  it('covers every session in the incident, one added later too, not one taken out; revoking ends all; audited per session', async () => {
    const [a, b, c] = [
      await connectCaller(s, handler),
      await connectCaller(s, handler),
      await connectCaller(s, handler),
    ];
    const inc = await createIncident(a.sessionId);
    await addTo(inc.id, b.sessionId);
    const sh = await shareIncident(inc.id);
    expect(sh).toMatchObject({ incidentId: inc.id, sessionId: null });
    const listed = await json<{ shares: { id: string }[] }>(
      handler.request('GET', `/api/incidents/${inc.id}/shares`),
    );
    expect(listed.shares.map((x) => x.id)).toEqual([sh.id]);

    // The phone lists it, and opening it shows the incident's callers with nothing personal.
    const mine = await json<{ shares: { id: string; incident: { title: string } | null }[] }>(
      field.request('GET', '/api/field/shares'),
    );
    expect(mine.shares.find((x) => x.id === sh.id)?.incident?.title).toBe('Fight on High St');
    const opened = await json<{ incident: { callers: { label: string; session: { id: string } }[] } }>(
      field.request('GET', `/api/field/shares/${sh.id}`),
    );
    expect(opened.incident.callers.map((x) => [x.label, x.session.id])).toEqual([
      ['Caller 1', a.sessionId],
      ['Caller 2', b.sessionId],
    ]);
    expect(JSON.stringify(opened)).not.toMatch(/phone|verificationCode/);

    const fieldSock = await consoleOf(field);
    expect(await answer(fieldSock, { type: 'watch', sessionId: c.sessionId })).toMatchObject({
      code: 'forbidden',
    });
    expect(await answer(fieldSock, { type: 'watch', sessionId: a.sessionId })).toBeNull();
    expect(await answer(fieldSock, { type: 'watch', sessionId: b.sessionId })).toBeNull();

    // Added later: the phone is told to reload its list, and the session is watchable.
    const from = fieldSock.messages.length;
    await addTo(inc.id, c.sessionId);
    await fieldSock.next(
      (m) => m.type === 'share.changed' && m.shareId === sh.id && m.endReason === null,
      10_000,
      from,
    );
    expect(await answer(fieldSock, { type: 'watch', sessionId: c.sessionId })).toBeNull();

    // Taken out: that session's view closes at once and it is refused; the others stay.
    await takeOut(b.sessionId);
    const left = await fieldSock.next((m) => m.type === 'share.changed' && m.sessionId === b.sessionId);
    expect(left).toMatchObject({ shareId: sh.id, endReason: 'left-incident' });
    expect(await answer(fieldSock, { type: 'watch', sessionId: b.sessionId })).toMatchObject({
      code: 'forbidden',
    });
    expect(await answer(fieldSock, { type: 'view.start', sessionId: b.sessionId })).toMatchObject({
      code: 'forbidden',
    });
    // Still covered (not live, so refused as such, never as forbidden).
    expect(await answer(fieldSock, { type: 'view.start', sessionId: a.sessionId })).toMatchObject({
      code: 'session_not_live',
    });

    const beforeRevoke = fieldSock.messages.length;
    await json(handler.request('POST', `/api/shares/${sh.id}/revoke`));
    for (const sessionId of [a.sessionId, c.sessionId]) {
      const ended = await fieldSock.next(
        (m) => m.type === 'share.changed' && m.sessionId === sessionId && m.endReason === 'revoked',
        10_000,
        beforeRevoke,
      );
      expect(ended.shareId).toBe(sh.id);
      expect(await answer(fieldSock, { type: 'watch', sessionId })).toMatchObject({ code: 'forbidden' });
    }
    expect((await field.request('GET', `/api/field/shares/${sh.id}`)).status).toBe(410);

    const trail = await entries(sh.id);
    expect(trail.map((e) => e.action).filter((x) => x !== 'share.used')).toEqual([
      'share.created',
      // The officer's list carries the callers' positions, so listing is a read too.
      'share.listed',
      'share.opened',
      'share.revoked',
    ]);
    expect(trail[0]!.detail).toMatchObject({ incidentId: inc.id, officerId: field.id });
    // One use per session it was used for: a, b, c (b's refused watch after it left is no use).
    const used = trail
      .filter((e) => e.action === 'share.used')
      .map((e) => (e.detail as { sessionId: string }).sessionId);
    expect(new Set(used)).toEqual(new Set([a.sessionId, b.sessionId, c.sessionId]));
    expect(used).toHaveLength(3);
    fieldSock.close();
    for (const x of [a, b, c]) x.sock.close();
  });

  it("puts the officer's position on the map of a control room watching any of the incident's sessions, and takes it off when the share ends", async () => {
    const [a, b] = [await connectCaller(s, handler), await connectCaller(s, handler)];
    const inc = await createIncident(a.sessionId);
    await addTo(inc.id, b.sessionId);
    const sh = await shareIncident(inc.id);
    const room = await consoleOf(handler);
    expect(await answer(room, { type: 'watch', sessionId: b.sessionId })).toBeNull();
    const fieldSock = await consoleOf(field);
    expect(
      await answer(fieldSock, { type: 'field.position', shareId: sh.id, fix: fixAt(51.5, -0.14) }),
    ).toBeNull();
    const pos = await room.next((m) => m.type === 'officer.position' && m.sessionId === b.sessionId);
    expect(pos.position).toMatchObject({ officerId: field.id, shareId: sh.id, lat: 51.5 });
    // A console starting to watch the other session is told where the officer is.
    const late = await consoleOf(handler);
    late.send({ type: 'watch', sessionId: a.sessionId });
    expect((await late.next((m) => m.type === 'officer.position')).sessionId).toBe(a.sessionId);
    expect((await entries(sh.id)).map((e) => e.action)).toContain('officer.position.shared');
    // Nothing reaches the callers.
    expect(JSON.stringify([...a.sock.messages, ...b.sock.messages])).not.toContain(field.id);

    await json(handler.request('POST', `/api/shares/${sh.id}/revoke`));
    await room.next(
      (m) =>
        m.type === 'share.changed' &&
        m.shareId === sh.id &&
        m.incidentId === inc.id &&
        m.endReason === 'revoked',
    );
    await room.next(
      (m) => m.type === 'officer.position.gone' && m.shareId === sh.id && m.sessionId === b.sessionId,
    );
    expect(await s.c.shares.positions(a.sessionId)).toEqual([]);
    for (const x of [room, late, fieldSock, a.sock, b.sock]) x.close();
  });

  it('closes the live video of a session the moment it is taken out of the incident', async () => {
    const source = new RtpSource();
    await source.start(ensureClip());
    try {
      const call = await syntheticCall(s.url, jsonApi(handler), source);
      await eventually(async () => (await s.c.sessions.get(call.sessionId)).publishing, 20_000);
      const inc = await createIncident(call.sessionId);
      await shareIncident(inc.id);
      const fieldSock = await consoleOf(field);
      expect(await answer(fieldSock, { type: 'watch', sessionId: call.sessionId })).toBeNull();
      fieldSock.send({ type: 'view.start', id: 'v1', sessionId: call.sessionId });
      const offer = await fieldSock.next((m) => m.type === 'view.offer', 20_000);
      const ended = new Promise<string>((resolve) =>
        s.c.events.subscribe('view.ended', ({ viewId, reason }) => {
          if (viewId === offer.viewId) resolve(reason);
        }),
      );
      await takeOut(call.sessionId);
      expect(await ended).toBe('share left-incident');
      call.hangUp();
      fieldSock.close();
    } finally {
      await source.stop();
    }
  });

  it('needs share:manage and incident:read, an incident that exists and is open', async () => {
    const a = await connectCaller(s, handler);
    const inc = await createIncident(a.sessionId);
    const body = { officerIds: [field.id], durationSeconds: 3600 };
    // The DPO reads incidents but does not share them; a field officer does neither.
    expect((await dpo.request('POST', `/api/incidents/${inc.id}/shares`, body)).status).toBe(403);
    expect((await field.request('POST', `/api/incidents/${inc.id}/shares`, body)).status).toBe(403);
    expect((await field.request('GET', `/api/incidents/${inc.id}/shares`)).status).toBe(403);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await handler.request('POST', `/api/incidents/${missing}/shares`, body)).status).toBe(404);
    await json(handler.request('POST', `/api/incidents/${inc.id}/close`));
    expect((await handler.request('POST', `/api/incidents/${inc.id}/shares`, body)).status).toBe(409);
    a.sock.close();
  });
});
