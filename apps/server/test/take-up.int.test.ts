import type { OfficerAccount, TakeUpReport } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFrom,
  eventually,
  expectJson,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

// The take-up report against a scripted set of sessions, made through the real services and
// routes with a frozen clock: known numbers sent, delivered, opened, consented, refused and live,
// known send→live times, known failures and feedback. Then the report's exact figures, its CSV,
// the feedback's anonymity and its one-answer rule, and the free texts' retention.

const MIN = 60_000;
const DAY = 86_400_000;
/** Monday 2 March 2026, 09:00 UTC. */
const T0 = Date.parse('2026-03-02T09:00:00Z');
const clock = { t: T0, now: () => clock.t };

let s: TestServer;
let admin: OfficerClient;
let north: OfficerClient;
let sids: Record<string, string> = {};
const cookies: Record<string, string> = {};

type Mode = 'video' | 'location' | 'two-way';

/** An officer sends a link at time `at`; returns the session and its token. */
async function send(o: OfficerClient, at: number, mode: Mode = 'video', language = 'en') {
  clock.t = at;
  const body = {
    phone: '07911 123456',
    reference: 'CAD 7/02MAR',
    mode,
    language,
    ...(mode === 'location' ? { locationMinutes: 60 } : {}),
  };
  const r = await expectJson<{ session: { id: string }; link: string }>(
    o.request('POST', '/api/sessions', body),
    201,
  );
  return { id: r.session.id, token: r.link.split('/j/')[1]!.split('?')[0]! };
}

async function delivered(sessionId: string) {
  const row = await s.c.db
    .selectFrom('sms_deliveries')
    .select(['gateway', 'provider_ref'])
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  await s.c.deliveries.report({
    gateway: row.gateway as 'outbox',
    providerRef: row.provider_ref!,
    status: 'delivered',
    reason: null,
    at: clock.t,
  });
}

async function open(name: string, token: string, at: number) {
  clock.t = at;
  cookies[name] = cookieFrom(await openLink(s, token), 'sl_caller');
}

const sessions = () => s.c.sessions;
async function consent(id: string, at: number, decision: 'accepted' | 'refused' = 'accepted') {
  clock.t = at;
  await sessions().recordConsent(id, decision, null);
}
async function live(id: string, at: number) {
  clock.t = at;
  await sessions().setPublishing(id, true, 'test video');
}
async function end(id: string, at: number) {
  clock.t = at;
  await sessions().end(id, 'officer_ended', { type: 'system' });
}
function feedback(name: string, body: unknown) {
  return fetch(`${s.url}/api/join/feedback`, {
    method: 'POST',
    headers: { cookie: cookies[name]!, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
function environment(token: string, inAppBrowser: string | null, webrtc: boolean) {
  return fetch(`${s.url}/api/join/environment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, inAppBrowser, webrtc }),
  });
}
async function setTeam(o: OfficerClient, team: string | null) {
  const r = await expectJson<{ officer: OfficerAccount }>(
    admin.request('PUT', `/api/officers/${o.id}/team`, { team, reason: 'team change' }),
  );
  expect(r.officer.team).toBe(team);
}

beforeAll(async () => {
  // No background check sends: the scheduled-check test sends them itself.
  s = await startServer({ clock, env: { SIGHTLINE_CHECK_POLL_SECONDS: '300' } });
  admin = await signIn(s, ['admin']);
  north = await signIn(s, ['call-handler']);
  await setTeam(north, 'North');

  // Week 1, team North: five video links and one location link.
  const s1 = await send(north, T0);
  await delivered(s1.id);
  await open('s1', s1.token, T0 + MIN);
  await consent(s1.id, T0 + 90_000);
  await live(s1.id, T0 + 2 * MIN);
  await end(s1.id, T0 + 10 * MIN);

  const s2 = await send(north, T0 + 20 * MIN);
  await delivered(s2.id);
  await open('s2', s2.token, T0 + 21 * MIN);
  await consent(s2.id, T0 + 22 * MIN);
  await live(s2.id, T0 + 25 * MIN);
  clock.t = T0 + 30 * MIN;
  await sessions().videoStopped(s2.id, 'no media for 10 s');
  await end(s2.id, T0 + 40 * MIN);

  const s3 = await send(north, T0 + 50 * MIN);
  await delivered(s3.id);
  await open('s3', s3.token, T0 + 51 * MIN);
  await consent(s3.id, T0 + 52 * MIN, 'refused');

  // Opened in Facebook's browser: reported without claiming the link, and never opened.
  const s4 = await send(north, T0 + 60 * MIN);
  expect((await environment(s4.token, 'Facebook', true)).status).toBe(204);
  expect((await environment(s4.token, 'Facebook', true)).status).toBe(204);

  // Camera refused on the phone: the page's permission message over the caller socket.
  const s5 = await send(north, T0 + 70 * MIN);
  await delivered(s5.id);
  await open('s5', s5.token, T0 + 71 * MIN);
  await consent(s5.id, T0 + 72 * MIN);
  const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookies.s5!);
  await sock.next((m) => m.type === 'chat.history');
  sock.send({ type: 'permission', kind: 'camera', state: 'denied' });
  await eventually(async () =>
    (await sessions().detail(s5.id)).timeline.some((e) => e.type === 'permission.camera.denied'),
  );
  sock.close();

  const s6 = await send(north, T0 + 80 * MIN, 'location');
  // A location-only link needs no WebRTC: not a failure there.
  expect((await environment(s6.token, null, false)).status).toBe(204);
  await open('s6', s6.token, T0 + 81 * MIN);
  await consent(s6.id, T0 + 82 * MIN);
  clock.t = T0 + 80 * MIN + 90_000 + 2 * MIN;
  await sessions().locationSharing(s6.id);
  await end(s6.id, T0 + 2 * 60 * MIN);

  // Week 2: an officer with no team yet, whose browser has no WebRTC; then in team "CID, West".
  clock.t = T0 + 7 * DAY;
  admin = await signIn(s, ['admin']);
  const other = await signIn(s, ['call-handler']);
  const s7 = await send(other, T0 + 7 * DAY);
  expect((await environment(s7.token, null, false)).status).toBe(204);
  await open('s7', s7.token, T0 + 7 * DAY + MIN);
  await setTeam(other, 'CID, West');
  const s8 = await send(other, T0 + 7 * DAY + 60 * MIN, 'two-way', 'pl');
  await open('s8', s8.token, T0 + 7 * DAY + 61 * MIN);
  await consent(s8.id, T0 + 7 * DAY + 61 * MIN);
  await live(s8.id, T0 + 7 * DAY + 60 * MIN + 45_000 + MIN);
  await end(s8.id, T0 + 7 * DAY + 90 * MIN);
  sids = { s1: s1.id, s2: s2.id, s3: s3.id, s4: s4.id, s5: s5.id, s6: s6.id, s7: s7.id, s8: s8.id };
}, 120_000);
afterAll(() => s?.close());

describe('the caller’s feedback', () => {
  it('is refused before the session ends, accepted once after, and a second answer is refused', async () => {
    // Just after each session ended, while the phone's cookie is still good.
    clock.t = T0 + 3 * 60 * MIN;
    expect((await feedback('s3', { answer: 'yes' })).status).toBe(409);
    expect((await feedback('s1', { answer: 'yes', text: 'Quick, and the officer was "kind"' })).status).toBe(
      201,
    );
    const again = await feedback('s1', { answer: 'no' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('conflict');
    expect((await feedback('s2', { answer: 'no' })).status).toBe(201);
    expect((await feedback('s6', { answer: 'unsure', text: '  ' })).status).toBe(201);
    clock.t = T0 + 7 * DAY + 2 * 60 * MIN;
    expect((await feedback('s8', { answer: 'yes', text: 'Dziękuję' })).status).toBe(201);
  });

  it('refuses an answer without the caller’s cookie, an unknown answer and an over-long text', async () => {
    const bare = await fetch(`${s.url}/api/join/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: 'yes' }),
    });
    expect(bare.status).toBe(401);
    expect((await feedback('s7', { answer: 'maybe' })).status).toBe(400);
    expect((await feedback('s7', { answer: 'no', text: 'x'.repeat(501) })).status).toBe(400);
  });

  it('stores no link to the session, phone or officer; the session only knows it was answered', async () => {
    // Held until the sweep: nothing in the report's table yet, and no audit entry per answer.
    expect(await s.c.db.selectFrom('caller_feedback').selectAll().execute()).toEqual([]);
    expect(await s.c.audit.list({ limit: 50, action: 'feedback.give' })).toEqual([]);
    const pending = await s.c.db.selectFrom('caller_feedback_pending').select('id').execute();
    clock.t = T0 + 8 * DAY;
    await s.c.takeUp.purge();
    expect(await s.c.db.selectFrom('caller_feedback_pending').selectAll().execute()).toEqual([]);
    const rows = await s.c.db.selectFrom('caller_feedback').selectAll().execute();
    expect(rows).toHaveLength(4);
    const stored = JSON.stringify(rows);
    for (const id of [...Object.values(sids), north.id]) expect(stored).not.toContain(id);
    expect(stored).not.toContain('7911');
    // No stored column narrows the time of answering below the day the link was sent.
    expect(Object.keys(rows[0]!).sort()).toEqual([
      'answer',
      'id',
      'language',
      'mode',
      'sent_day',
      'team',
      'text',
    ]);
    for (const r of rows) expect(Number(r.sent_day) % DAY).toBe(0);
    // Stored in the order of their random ids, not the order given (s1, s2, s6, s8).
    expect(rows.map((r) => r.id)).toEqual(pending.map((p) => p.id).sort());
    const flagged = await s.c.db
      .selectFrom('sessions')
      .select('id')
      .where('feedback_given', '=', 1)
      .execute();
    expect(flagged.map((r) => r.id).sort()).toEqual([sids.s1, sids.s2, sids.s6, sids.s8].sort());
    expect((await s.c.audit.list({ limit: 5, action: 'feedback.released' }))[0]?.detail).toEqual({
      answers: 4,
    });
  });
});

describe('the take-up report', () => {
  let supervisor: OfficerClient;
  beforeAll(async () => {
    supervisor = await signIn(s, ['supervisor']);
  });
  const q = '/api/reports/take-up?from=2026-03-02&to=2026-03-15&period=week';

  it('gives the scripted figures per week, team and link mode, with the callers’ words', async () => {
    const r = await expectJson<TakeUpReport>(supervisor.request('GET', q));
    const row = (period: string, team: string | null, mode: string) =>
      r.rows.find((x) => x.period === period && x.team === team && x.mode === mode);
    expect(r.rows).toHaveLength(4);
    expect(row('2026-03-02', 'North', 'video')).toEqual({
      period: '2026-03-02',
      team: 'North',
      mode: 'video',
      sent: 5,
      delivered: 4,
      opened: 4,
      consented: 3,
      refused: 1,
      live: 2,
      // 2 min and 5 min from sending to live video.
      sendToLiveMedianMs: 210_000,
      sendToLiveP90Ms: 282_000,
      failures: { inAppBrowser: 1, cameraDenied: 1, noWebrtc: 0, network: 1 },
      feedback: { yes: 1, no: 1, unsure: 0 },
    });
    expect(row('2026-03-02', 'North', 'location')).toMatchObject({
      sent: 1,
      delivered: 0,
      opened: 1,
      consented: 1,
      live: 1,
      sendToLiveMedianMs: 210_000,
      failures: { inAppBrowser: 0, cameraDenied: 0, noWebrtc: 0, network: 0 },
      feedback: { yes: 0, no: 0, unsure: 1 },
    });
    expect(row('2026-03-09', null, 'video')).toMatchObject({
      sent: 1,
      opened: 1,
      consented: 0,
      live: 0,
      sendToLiveMedianMs: null,
      failures: { inAppBrowser: 0, cameraDenied: 0, noWebrtc: 1, network: 0 },
    });
    expect(row('2026-03-09', 'CID, West', 'two-way')).toMatchObject({
      sent: 1,
      live: 1,
      sendToLiveMedianMs: 105_000,
      feedback: { yes: 1, no: 0, unsure: 0 },
    });
    expect(r.total).toMatchObject({ sent: 8, delivered: 4, opened: 7, consented: 5, refused: 1, live: 4 });
    expect(r.byTeam.map((t) => [t.team, t.sent])).toEqual([
      ['CID, West', 1],
      ['North', 6],
      [null, 1],
    ]);
    expect(r.byPeriod.map((p) => [p.period, p.sent, p.live])).toEqual([
      ['2026-03-02', 6, 3],
      ['2026-03-09', 2, 1],
    ]);
    expect(r.comments.map((c) => [c.team, c.language, c.answer, c.text])).toEqual([
      ['North', 'en', 'yes', 'Quick, and the officer was "kind"'],
      ['CID, West', 'pl', 'yes', 'Dziękuję'],
    ]);
  });

  it('exports the same figures as CSV, escaped, and audits the read and the export', async () => {
    const res = await supervisor.request('GET', q.replace('take-up?', 'take-up.csv?'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('take-up-2026-03-02-to-2026-03-15-week.csv');
    expect((await res.text()).split('\r\n')).toEqual([
      'period,team,mode,sent,delivered,opened,consented,refused,live,send_to_live_median_s,send_to_live_p90_s,failed_in_app_browser,failed_camera_denied,failed_no_webrtc,failed_network,feedback_yes,feedback_no,feedback_unsure',
      '2026-03-02,North,location,1,0,1,1,0,1,210,210,0,0,0,0,0,0,1',
      '2026-03-02,North,video,5,4,4,3,1,2,210,282,1,1,0,1,1,1,0',
      '2026-03-09,"CID, West",two-way,1,0,1,1,0,1,105,105,0,0,0,0,1,0,0',
      '2026-03-09,,video,1,0,1,0,0,0,,,0,0,1,0,0,0,0',
      '',
    ]);
    const audit = await s.c.audit.list({ limit: 20 });
    const mine = audit.filter((e) => e.actorId === supervisor.id).map((e) => e.action);
    expect(mine).toEqual(expect.arrayContaining(['take_up.read', 'take_up.export']));
  });

  it('is for supervisors only, and refuses a range backwards or over 400 days', async () => {
    const handler = await signIn(s, ['call-handler']);
    expect((await handler.request('GET', q)).status).toBe(403);
    expect(
      (await supervisor.request('GET', '/api/reports/take-up?from=2026-03-15&to=2026-03-02')).status,
    ).toBe(400);
    expect(
      (await supervisor.request('GET', '/api/reports/take-up?from=2025-01-01&to=2026-03-02')).status,
    ).toBe(400);
  });

  it('erases the free texts once their retention has passed, and keeps the counts', async () => {
    clock.t = T0 + 3 * 60 * MIN + 89 * DAY;
    expect(await s.c.takeUp.purge()).toBe(0);
    clock.t = T0 + 3 * 60 * MIN + 90 * DAY + 7 * DAY;
    expect(await s.c.takeUp.purge()).toBe(2);
    const later = await signIn(s, ['supervisor']);
    const r = await expectJson<TakeUpReport>(later.request('GET', q));
    expect(r.comments).toEqual([]);
    expect(r.total.feedback).toEqual({ yes: 2, no: 1, unsure: 1 });
    expect((await s.c.audit.list({ limit: 5, action: 'feedback.texts_erased' }))[0]?.detail).toEqual({
      erased: 2,
    });
  });
});

describe('scheduled checks in the report', () => {
  it('count as sent on the day their text went; one not yet texted is not sent at all', async () => {
    // Monday 8 June 2026, 09:00 UTC: a fresh week with nothing else in it.
    const B = T0 + 98 * DAY;
    clock.t = B;
    const handler = await signIn(s, ['call-handler']);
    const window = (at: number) => ({ notBefore: at, notAfter: at + 30 * MIN });
    const { checks } = await expectJson<{ checks: Array<{ sessionId: string }> }>(
      handler.request('POST', '/api/checks', {
        phone: '07911 123456',
        details: { subject: 'Jo Bloggs', condition: 'curfew', conditionDetail: '1 High St, 21:00-07:00' },
        windows: [window(B + 2 * DAY), window(B + 9 * DAY)],
      }),
      201,
    );
    expect(checks).toHaveLength(2);
    clock.t = B + 2 * DAY;
    await s.c.checks.sendDue();
    const supervisor = await signIn(s, ['supervisor']);
    const report = async (from: string, to: string) =>
      (
        await expectJson<TakeUpReport>(
          supervisor.request('GET', `/api/reports/take-up?from=${from}&to=${to}&period=day`),
        )
      ).total.sent;
    // Scheduled on the 8th, texted on the 10th; the second check's text has not gone.
    expect(await report('2026-06-08', '2026-06-09')).toBe(0);
    expect(await report('2026-06-10', '2026-06-10')).toBe(1);
    expect(await report('2026-06-08', '2026-06-30')).toBe(1);
  });
});

describe('failure reasons', () => {
  it('count the network only for a call that ended with its video stopped, not one that came back or the caller stopped', async () => {
    // Monday 29 June 2026: three calls whose video stopped once.
    const C = T0 + 119 * DAY;
    clock.t = C;
    const handler = await signIn(s, ['call-handler']);
    const call = async (name: string, at: number) => {
      const x = await send(handler, at);
      await open(name, x.token, at + MIN);
      await consent(x.id, at + 2 * MIN);
      await live(x.id, at + 3 * MIN);
      clock.t = at + 4 * MIN;
      await sessions().videoStopped(x.id, 'no media for 10 s');
      return x.id;
    };
    const resumed = await call('r1', C);
    clock.t = C + 5 * MIN;
    await sessions().videoResumed(resumed);
    await end(resumed, C + 10 * MIN);
    const stopped = await call('r2', C + 20 * MIN);
    clock.t = C + 30 * MIN;
    await sessions().end(stopped, 'caller_stopped', { type: 'system' });
    const lost = await call('r3', C + 40 * MIN);
    await end(lost, C + 50 * MIN);
    const supervisor = await signIn(s, ['supervisor']);
    const r = await expectJson<TakeUpReport>(
      supervisor.request('GET', '/api/reports/take-up?from=2026-06-29&to=2026-06-29&period=day'),
    );
    expect(r.total).toMatchObject({
      sent: 3,
      live: 3,
      failures: { inAppBrowser: 0, cameraDenied: 0, noWebrtc: 0, network: 1 },
    });
  });
});
