import type { InterpreterInvite, InterpreterInviteCreated } from '@sightline/protocol';
import { ensureClip, publisherOffer, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectCaller,
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

let s: TestServer;
let officer: OfficerClient;
const clock = new TestClock();

const source = new RtpSource();

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({ clock, env: { SIGHTLINE_INTERPRETER_LINK_MINUTES: '30' } });
  officer = await signIn(s, ['call-handler']);
});
afterAll(async () => {
  await s?.close();
  await source.stop();
});

const BSL = {
  name: 'Sam Signer',
  kind: 'bsl',
  language: 'British Sign Language',
  organisation: 'Signs Ltd',
  bookingRef: 'B-123',
};
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/** A caller who has consented, on their socket. */
async function consentedCaller() {
  const caller = await connectCaller(s, officer);
  caller.sock.send({ type: 'consent', decision: 'accepted' });
  await caller.sock.next((m) => m.type === 'consent.recorded');
  return caller;
}

async function inviteInterpreter(sessionId: string, by = officer) {
  const created = await expectJson<InterpreterInviteCreated>(
    by.request('POST', `/api/sessions/${sessionId}/interpreters`, BSL),
    201,
  );
  return { ...created, token: new URL(created.url).pathname.split('/').pop()! };
}

function openInterpreterLink(token: string, cookie?: string) {
  return fetch(`${s.url}/api/interpreter/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ token }),
  });
}

/** Opens the link, connects the interpreter's socket and consents to recording. */
async function joinedInterpreter(token: string) {
  const cookie = cookieFrom(await openInterpreterLink(token), 'sl_interp');
  const sock = await TestSocket.open(`${s.wsUrl}/ws/interpreter`, cookie);
  await sock.next((m) => m.type === 'welcome');
  sock.send({ type: 'consent', decision: 'accepted' });
  await sock.next((m) => m.type === 'consent.recorded');
  return { cookie, sock };
}

const auditActions = async (sessionId: string) =>
  (
    await s.c.db
      .selectFrom('audit_events')
      .select(['action', 'actor_type'])
      .where('subject_id', '=', sessionId)
      .orderBy('seq')
      .execute()
  ).map((r) => `${r.actor_type}:${r.action}`);

const listInvites = async (sessionId: string) =>
  (
    await expectJson<{ invites: InterpreterInvite[] }>(
      officer.request('GET', `/api/sessions/${sessionId}/interpreters`),
    )
  ).invites;

/** The caller's page publishes the looped clip on its socket (a first publish or a republish). */
async function publishCaller(sock: TestSocket, id: string) {
  const pub = await publisherOffer(source);
  const from = sock.messages.length;
  sock.send({ type: 'publish.offer', id, sdp: pub.sdp });
  const answer = await sock.next((m) => m.type === 'publish.answer' && m.offerId === id, 20_000, from);
  await pub.accept(answer.sdp as string);
  return pub;
}

describe('interpreter media', () => {
  it("offers the caller's picture to an interpreter who joined before it was up, and again after a republish", async () => {
    const caller = await consentedCaller();
    const { sock } = await joinedInterpreter((await inviteInterpreter(caller.sessionId)).token);
    const first = await publishCaller(caller.sock, 'offer-1');
    expect(await sock.next((m) => m.type === 'feed.offer' && m.feed === 'caller', 20_000)).toBeTruthy();
    // The caller's video drops and comes back (a network change): offered again.
    const from = sock.messages.length;
    first.close();
    const second = await publishCaller(caller.sock, 'offer-2');
    await sock.next((m) => m.type === 'feed.offer' && m.feed === 'caller', 20_000, from);
    second.close();
    sock.close();
    caller.sock.close();
  }, 60_000);

  it('tells a caller who reconnects that the interpreter is in the call, and offers their video', async () => {
    const caller = await consentedCaller();
    const { sock } = await joinedInterpreter((await inviteInterpreter(caller.sessionId)).token);
    const pub = await publisherOffer(source);
    sock.send({ type: 'publish.offer', sdp: pub.sdp });
    await pub.accept((await sock.next((m) => m.type === 'publish.answer', 20_000)).sdp as string);
    await caller.sock.next((m) => m.type === 'interpreter-view.offer', 20_000);
    caller.sock.close();
    // The page reloads: a new socket, which missed both pushes.
    const again = await TestSocket.open(`${s.wsUrl}/ws/caller`, caller.cookie);
    expect(await again.next((m) => m.type === 'interpreter.joined')).toMatchObject({
      kind: 'bsl',
      language: 'British Sign Language',
    });
    await again.next((m) => m.type === 'interpreter-view.offer', 20_000);
    pub.close();
    sock.close();
    again.close();
  }, 60_000);
});

describe('interpreter links', () => {
  it('works once, in the browser that opened it, with the token kept only as a hash, every step audited', async () => {
    const caller = await consentedCaller();
    const { invite: inv, token, url } = await inviteInterpreter(caller.sessionId);
    expect(new URL(url).pathname).toBe(`/i/${token}`);
    expect(inv).toMatchObject({ state: 'invited', kind: 'bsl', name: 'Sam Signer', bookingRef: 'B-123' });
    expect(inv.openBy - inv.createdAt).toBe(30 * 60_000);
    for (const table of ['interpreters', 'audit_events', 'session_events'] as const) {
      const rows = await s.c.db.selectFrom(table).selectAll().execute();
      expect(JSON.stringify(rows), table).not.toContain(token);
    }
    // The page itself is served for any token (a link preview cannot use it up).
    expect((await fetch(`${s.url}/i/${token}`)).status).toBe(200);
    expect((await listInvites(caller.sessionId))[0]?.state).toBe('invited');

    const first = await openInterpreterLink(token);
    expect(first.status).toBe(200);
    const cookie = cookieFrom(first, 'sl_interp');
    const other = await openInterpreterLink(token);
    expect(other.status).toBe(404);
    expect(await errorCode(other)).toBe('link_unavailable');
    expect((await openInterpreterLink(token, cookie)).status).toBe(200); // a reload in the same browser

    const sock = await TestSocket.open(`${s.wsUrl}/ws/interpreter`, cookie);
    const welcome = await sock.next((m) => m.type === 'welcome');
    expect(welcome).toMatchObject({ interpreterName: 'Sam Signer', consented: false, language: 'en' });
    // Nothing is published before the interpreter agrees to being recorded.
    sock.send({ type: 'publish.offer', id: 'p1', sdp: 'v=0 not yet consented' });
    await sock.next((m) => m.type === 'error' && m.code === 'consent_required');
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    // The caller is told plainly that an interpreter joined.
    expect(await caller.sock.next((m) => m.type === 'interpreter.joined')).toMatchObject({ kind: 'bsl' });
    expect((await listInvites(caller.sessionId))[0]?.state).toBe('joined');

    expect(await auditActions(caller.sessionId)).toEqual(
      expect.arrayContaining([
        'officer:interpreter.invite',
        'interpreter:interpreter.open',
        'system:interpreter.open_refused',
        'interpreter:interpreter.consent',
        'officer:interpreter.list',
      ]),
    );
    const timeline = await s.c.db
      .selectFrom('session_events')
      .select('type')
      .where('session_id', '=', caller.sessionId)
      .execute();
    expect(timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['interpreter.invited', 'interpreter.opened', 'interpreter.joined']),
    );
    sock.close();
    caller.sock.close();
  });

  it('refuses a link not opened within its window, and shows it expired', async () => {
    const caller = await consentedCaller();
    const { token } = await inviteInterpreter(caller.sessionId);
    clock.t += 31 * 60_000;
    try {
      const res = await openInterpreterLink(token);
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe('link_unavailable');
      expect((await listInvites(caller.sessionId))[0]).toMatchObject({
        state: 'expired',
        endReason: 'not opened in time',
      });
      expect(await auditActions(caller.sessionId)).toEqual(
        expect.arrayContaining(['system:interpreter.expire', 'system:interpreter.open_refused']),
      );
    } finally {
      clock.t -= 31 * 60_000;
    }
    caller.sock.close();
  });

  it('refuses a revoked link, and a removed interpreter is put out of the call and told why', async () => {
    const caller = await consentedCaller();
    const revoked = await inviteInterpreter(caller.sessionId);
    await expectJson(officer.request('POST', `/api/interpreters/${revoked.invite.id}/remove`));
    expect((await openInterpreterLink(revoked.token)).status).toBe(404);
    expect(await auditActions(caller.sessionId)).toContain('officer:interpreter.revoke');

    const { invite: inv, token } = await inviteInterpreter(caller.sessionId);
    const { cookie, sock } = await joinedInterpreter(token);
    const removed = await expectJson<InterpreterInvite>(
      officer.request('POST', `/api/interpreters/${inv.id}/remove`),
    );
    expect(removed).toMatchObject({ state: 'left', endReason: 'removed by an officer' });
    // Their socket may be on another instance and not closed yet: the media side refuses them itself.
    await expect(
      s.c.media.interpreterMedia(caller.sessionId, {
        op: 'view.stop',
        key: 'interpreter:caller',
        by: inv.id,
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(await sock.next((m) => m.type === 'ended')).toMatchObject({ reason: 'removed by an officer' });
    expect(await sock.closedWith()).toBe(4002);
    await caller.sock.next((m) => m.type === 'interpreter.left');
    await expect(TestSocket.open(`${s.wsUrl}/ws/interpreter`, cookie)).rejects.toThrow(/401/);
    // Removing twice is a conflict, not a second entry.
    expect((await officer.request('POST', `/api/interpreters/${inv.id}/remove`)).status).toBe(409);
    expect(await auditActions(caller.sessionId)).toContain('officer:interpreter.end');
    caller.sock.close();
  });

  it('is refused while the session is not in progress, and ends with the session', async () => {
    const { sessionId } = await invite(s, officer); // sent, never opened
    const notYet = await officer.request('POST', `/api/sessions/${sessionId}/interpreters`, BSL);
    expect(notYet.status).toBe(409);
    expect(await errorCode(notYet)).toBe('session_not_live');

    const caller = await consentedCaller();
    const unopened = await inviteInterpreter(caller.sessionId);
    // One interpreter at a time.
    expect(
      (await officer.request('POST', `/api/sessions/${caller.sessionId}/interpreters`, BSL)).status,
    ).toBe(409);
    await expectJson(officer.request('POST', `/api/interpreters/${unopened.invite.id}/remove`));
    const { sock } = await joinedInterpreter((await inviteInterpreter(caller.sessionId)).token);
    const late = await inviteInterpreter(caller.sessionId).catch(() => null);
    expect(late).toBeNull();
    await expectJson(officer.request('POST', `/api/sessions/${caller.sessionId}/end`, {}));
    expect(await sock.next((m) => m.type === 'ended')).toMatchObject({ reason: 'the session ended' });
    const after = await s.c.db
      .selectFrom('interpreters')
      .select('state')
      .where('session_id', '=', caller.sessionId)
      .execute();
    expect(after.map((r) => r.state).sort()).toEqual(['left', 'revoked']);
    // A link for an ended session cannot be opened either.
    expect(
      (await officer.request('POST', `/api/sessions/${caller.sessionId}/interpreters`, BSL)).status,
    ).toBe(409);
  });

  it('lets two officers pressing at once invite only one interpreter', async () => {
    const caller = await consentedCaller();
    const supervisor = await signIn(s, ['supervisor']);
    const [a, b] = await Promise.all(
      [officer, supervisor].map((o) =>
        o.request('POST', `/api/sessions/${caller.sessionId}/interpreters`, BSL),
      ),
    );
    expect([a!.status, b!.status].sort()).toEqual([201, 409]);
    expect(await errorCode([a!, b!].find((r) => r.status === 409)!)).toBe('conflict');
    expect((await listInvites(caller.sessionId)).map((i) => i.state)).toEqual(['invited']);
    caller.sock.close();
  });

  it('refuses an interpreter for a location-only link, which has no call to interpret', async () => {
    const res = await officer.request('POST', '/api/sessions', {
      phone: '07911 123456',
      reference: 'MISPER 1/30NOV',
      mode: 'location',
      locationMinutes: 60,
    });
    const { session, link } = (await res.json()) as { session: { id: string }; link: string };
    const cookie = cookieFrom(await openLink(s, link.split('/j/')[1]!), 'sl_caller');
    const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
    await sock.next((m) => m.type === 'welcome');
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    const refused = await officer.request('POST', `/api/sessions/${session.id}/interpreters`, BSL);
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe('interpreter_needs_video');
    expect(await listInvites(session.id)).toEqual([]);
    sock.close();
  });

  it('lets the caller decline the interpreter, who then leaves the call', async () => {
    const caller = await consentedCaller();
    const { sock } = await joinedInterpreter((await inviteInterpreter(caller.sessionId)).token);
    await caller.sock.next((m) => m.type === 'interpreter.joined');
    caller.sock.send({ type: 'interpreter.decline' });
    expect(await sock.next((m) => m.type === 'ended')).toMatchObject({ reason: 'declined by the caller' });
    expect(await auditActions(caller.sessionId)).toContain('caller:interpreter.end');
    caller.sock.close();
  });

  it('lets only those who run the call invite or remove an interpreter', async () => {
    const caller = await consentedCaller();
    for (const role of ['dpo', 'admin', 'field-officer'] as const) {
      const other = await signIn(s, [role]);
      const res = await other.request('POST', `/api/sessions/${caller.sessionId}/interpreters`, BSL);
      expect(res.status, role).toBe(403);
      expect((await other.request('POST', '/api/interpreters/x/remove', {})).status, role).toBe(403);
    }
    const supervisor = await signIn(s, ['supervisor']);
    await inviteInterpreter(caller.sessionId, supervisor);
    caller.sock.close();
  });
});
