import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFrom,
  errorAnswering,
  expectJson,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  TestClock,
  type TestServer,
  TestSocket,
} from './harness.js';

// Scheduled bail and court-order checks on two instances sharing one database and one clock:
// links refused outside their window on every caller path, each text sent once as its window
// opens, series created and cancelled, and missed checks listed from the session records.
let a: TestServer;
let b: TestServer;
let officer: OfficerClient;
let supervisor: OfficerClient;
const clock = new TestClock();
const MIN = 60_000;
const HOUR = 60 * MIN;
const PER_NUMBER = 6;

beforeAll(async () => {
  // No background sends during the test: it calls sendDue itself, on both instances at once.
  const env = {
    SIGHTLINE_CHECK_POLL_SECONDS: '300',
    SIGHTLINE_INVITE_TTL_MAX_MINUTES: '120',
    // Low enough to reach with a few texts to one number (the other tests text one number fewer times).
    SIGHTLINE_INVITES_PER_NUMBER_HOUR: String(PER_NUMBER),
  };
  a = await startServer({ clock, env: { ...env, SIGHTLINE_INSTANCE_ID: 'checks-a' } });
  b = await startServer({
    clock,
    // One deployment's keys: whichever instance sends a text, the other opens its sealed link.
    env: {
      ...env,
      SIGHTLINE_INSTANCE_ID: 'checks-b',
      SIGHTLINE_DATABASE_URL: a.c.config.databaseUrl,
      SIGHTLINE_KEY_DIR: a.c.config.keyDir,
    },
  });
  officer = await signIn(a, ['call-handler']);
  supervisor = await signIn(a, ['supervisor']);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

interface Check {
  sessionId: string;
  seriesId: string;
  status: string;
  notBefore: number;
  notAfter: number;
  textSentAt: number | null;
}
const DETAILS = { subject: 'Jo Bloggs', condition: 'curfew', conditionDetail: '1 High St, 21:00-07:00' };

const schedule = (body: Record<string, unknown>) =>
  expectJson<{ seriesId: string; checks: Check[] }>(
    officer.request('POST', '/api/checks', { phone: '07911 123456', details: DETAILS, ...body }),
    201,
  );

/** The link the outbox gateway holds for a session (shown in clear to the officer who scheduled it). */
async function linkOf(sessionId: string): Promise<string | null> {
  const outbox = await expectJson<{ messages: Array<{ sessionId: string; body: string }> }>(
    officer.request('GET', '/api/outbox'),
  );
  const body = outbox.messages.find((m) => m.sessionId === sessionId)?.body;
  return body ? /\/j\/([A-Za-z0-9_-]{43})/.exec(body)![1]! : null;
}

const textsOf = async (sessionId: string) =>
  (await a.c.db.selectFrom('sms_deliveries').select('id').where('session_id', '=', sessionId).execute())
    .length;

const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('per-invite validity', () => {
  it('a link lasts as long as the call handler chose, within the configured range', async () => {
    const res = await expectJson<{ session: { createdAt: number; expiresAt: number }; link: string }>(
      officer.request('POST', '/api/sessions', { phone: '07911 123456', validMinutes: 90 }),
      201,
    );
    expect(res.session.expiresAt - res.session.createdAt).toBe(90 * MIN);
    const token = res.link.split('/j/')[1]!;
    clock.t += 91 * MIN;
    expect(await code(await openLink(a, token))).toBe('link_unavailable');
    clock.t -= 91 * MIN;
    const tooLong = await officer.request('POST', '/api/sessions', {
      phone: '07911 123456',
      validMinutes: 121,
    });
    expect(tooLong.status).toBe(400);
    expect(
      ((await tooLong.json()) as { error: { fields: Record<string, string> } }).error.fields,
    ).toHaveProperty('validMinutes');
  });
});

describe('a scheduled window', () => {
  it('before the window the page learns when it opens and nothing is claimed; inside it the link works', async () => {
    const notBefore = clock.now() + HOUR;
    const { checks } = await schedule({
      windows: [{ notBefore, notAfter: notBefore + 30 * MIN }],
      textAt: 'now',
    });
    const id = checks[0]!.sessionId;
    const token = (await linkOf(id))!;
    const early = await openLink(a, token);
    expect(early.status).toBe(403);
    expect(await early.json()).toEqual({
      error: {
        code: 'link_not_yet_open',
        message: 'this check has not opened yet',
        fields: { opensAt: String(notBefore) },
      },
    });
    expect(early.headers.getSetCookie()).toEqual([]);
    expect((await a.c.sessions.summary(id)).state).toBe('sent');

    clock.t = notBefore + MIN;
    const open = await openLink(a, token);
    expect(open.status).toBe(200);
    const sock = await TestSocket.open(`${a.wsUrl}/ws/caller`, cookieFrom(open, 'sl_caller'));
    await sock.next((m) => m.type === 'chat.history');
    expect(await errorAnswering(sock, { type: 'consent', decision: 'accepted' })).toBeNull();
    expect((await a.c.sessions.summary(id)).state).toBe('consented');
    sock.close();
    clock.t = Date.now();
  });

  it('after the window every caller path refuses: opening, the socket, consent on an open socket, uploads', async () => {
    const notBefore = clock.now() + HOUR;
    const { checks } = await schedule({
      windows: [{ notBefore, notAfter: notBefore + 30 * MIN }],
      textAt: 'now',
    });
    const id = checks[0]!.sessionId;
    const token = (await linkOf(id))!;
    clock.t = notBefore + 29 * MIN;
    const cookie = cookieFrom(await openLink(a, token), 'sl_caller');
    const sock = await TestSocket.open(`${a.wsUrl}/ws/caller`, cookie);
    await sock.next((m) => m.type === 'chat.history');

    clock.t = notBefore + 31 * MIN;
    const late = await errorAnswering(sock, { type: 'consent', decision: 'accepted' });
    expect(late?.code).toBe('link_unavailable');
    expect((await a.c.sessions.summary(id)).consentedAt).toBeNull();
    await expect(TestSocket.open(`${a.wsUrl}/ws/caller`, cookie)).rejects.toThrow(/401/);
    const upload = await fetch(`${a.url}/api/uploads`, {
      method: 'POST',
      headers: { cookie, 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    expect(upload.status).toBe(401);
    expect(await code(await openLink(a, token, cookie))).toBe('link_unavailable');
    sock.close();
    clock.t = Date.now();
  });
});

describe('scheduled texts', () => {
  it('each text goes once, when its window opens, even with two instances looking at the same moment', async () => {
    const start = clock.now() + 10 * MIN;
    const { checks } = await schedule({
      windows: [
        { notBefore: start, notAfter: start + 30 * MIN },
        { notBefore: start + 24 * HOUR, notAfter: start + 24 * HOUR + 30 * MIN },
      ],
    });
    const [first, second] = checks;
    await Promise.all([a.c.checks.sendDue(), b.c.checks.sendDue()]);
    expect(await textsOf(first!.sessionId)).toBe(0);
    expect(await linkOf(first!.sessionId)).toBeNull();
    // Not on the live session list until its text goes (the Checks page lists it meanwhile).
    const listed = async () =>
      (
        await expectJson<{ sessions: Array<{ id: string }> }>(officer.request('GET', '/api/sessions'))
      ).sessions.map((x) => x.id);
    expect(await listed()).not.toContain(first!.sessionId);

    clock.t = start;
    await Promise.all([
      a.c.checks.sendDue(),
      b.c.checks.sendDue(),
      a.c.checks.sendDue(),
      b.c.checks.sendDue(),
    ]);
    expect(await textsOf(first!.sessionId)).toBe(1);
    expect(await textsOf(second!.sessionId)).toBe(0);
    expect(await listed()).toContain(first!.sessionId);
    // The link texted is the one that works (its token was made when the text went).
    expect((await openLink(b, (await linkOf(first!.sessionId))!)).status).toBe(200);
    const sent = await a.c.audit.list({ limit: 50, action: 'check.text_sent' });
    expect(sent.filter((e) => e.subjectId === first!.sessionId)).toHaveLength(1);
    clock.t = Date.now();
  });
});

describe('scheduled texts, the limits and cancelling', () => {
  const window = (from: number) => ({ windows: [{ notBefore: from, notAfter: from + 30 * MIN }] });
  const audited = async (sessionId: string) => a.c.audit.list({ limit: 50, subjectId: sessionId });
  const statusOf = async (sessionId: string) =>
    await a.c.db
      .selectFrom('sms_deliveries')
      .select(['status', 'failure_reason'])
      .where('session_id', '=', sessionId)
      .execute();

  it('a repeated press (same Idempotency-Key) makes one series, and a text now past the number’s limit is refused', async () => {
    const key = 'double-click-0123456789';
    const press = () =>
      officer.request(
        'POST',
        '/api/checks',
        { phone: '07911 222333', ...window(clock.now() + HOUR) },
        { 'idempotency-key': key },
      );
    const [one, two] = await Promise.all([press(), press()]);
    const first = await expectJson<{ seriesId: string; checks: Check[] }>(Promise.resolve(one), 201);
    const second = await expectJson<{ seriesId: string; checks: Check[] }>(Promise.resolve(two), 201);
    expect(second.seriesId).toBe(first.seriesId);
    const made = await a.c.db
      .selectFrom('sessions')
      .select('id')
      .where('phone_e164', '=', '+447911222333')
      .execute();
    expect(made).toHaveLength(1);

    for (let i = 0; i < PER_NUMBER; i++)
      await expectJson(officer.request('POST', '/api/sessions', { phone: '07911 222444' }), 201);
    const now = await officer.request('POST', '/api/checks', {
      phone: '07911 222444',
      textAt: 'now',
      ...window(clock.now() + HOUR),
    });
    expect(now.status).toBe(429);
    expect(await code(now)).toBe('invite_limit_number');
  });

  it('a due text past the number’s limit is not sent: it is recorded as refused with the reason', async () => {
    const start = clock.now() + 10 * MIN;
    const { checks } = await schedule({ phone: '07911 222555', ...window(start) });
    for (let i = 0; i < PER_NUMBER; i++)
      await expectJson(officer.request('POST', '/api/sessions', { phone: '07911 222555' }), 201);
    clock.t = start;
    await a.c.checks.sendDue();
    clock.t = Date.now();
    const id = checks[0]!.sessionId;
    expect(await linkOf(id)).toBeNull();
    const [row] = await statusOf(id);
    expect(row?.status).toBe('failed');
    expect(row?.failure_reason).toContain('already been sent');
    expect((await audited(id)).map((e) => e.action)).toContain('check.text_refused');
  });

  it('a text that fails is on the trail as claimed, then sent with its failed status', async () => {
    const start = clock.now() + 10 * MIN;
    const { checks } = await schedule({ phone: '07911 222666', ...window(start) });
    const send = a.c.outbox.send;
    a.c.outbox.send = async () => {
      throw new Error('gateway down');
    };
    clock.t = start;
    try {
      await a.c.checks.sendDue();
    } finally {
      a.c.outbox.send = send;
      clock.t = Date.now();
    }
    const trail = await audited(checks[0]!.sessionId);
    expect(trail.some((e) => e.action === 'check.text_claimed')).toBe(true);
    expect(trail.find((e) => e.action === 'check.text_sent')?.detail).toMatchObject({ status: 'failed' });
  });

  it('a cancel that comes after the text is claimed but before it goes stops the text', async () => {
    const start = clock.now() + 10 * MIN;
    const { seriesId, checks } = await schedule({ phone: '07911 222777', ...window(start) });
    const record = a.c.audit.record.bind(a.c.audit);
    a.c.audit.record = async (entry) => {
      const done = await record(entry);
      if (entry.action === 'check.text_claimed')
        await expectJson(
          officer.request('POST', `/api/checks/series/${seriesId}/cancel`, { reason: 'court varied bail' }),
        );
      return done;
    };
    clock.t = start;
    try {
      await a.c.checks.sendDue();
    } finally {
      a.c.audit.record = record;
      clock.t = Date.now();
    }
    const id = checks[0]!.sessionId;
    expect(await linkOf(id)).toBeNull();
    expect((await statusOf(id))[0]?.status).toBe('failed');
    expect((await a.c.sessions.summary(id)).state).toBe('ended');
  });
});

describe('series, upcoming and missed', () => {
  it('everyone’s checks are for supervisors; a call handler sees their own', async () => {
    expect((await officer.request('GET', '/api/checks?scope=all')).status).toBe(403);
    const all = await expectJson<{ checks: Check[] }>(
      supervisor.request('GET', '/api/checks?scope=all&from=0'),
    );
    expect(all.checks.length).toBeGreaterThan(0);
    const own = await expectJson<{ checks: Check[] }>(supervisor.request('GET', '/api/checks?from=0'));
    expect(own.checks).toEqual([]);
    const reads = await a.c.audit.list({ limit: 20, action: 'check.list' });
    expect(reads.length).toBeGreaterThan(0);
  });

  it('refuses overlapping windows and a series texted all at once', async () => {
    const t = clock.now() + HOUR;
    const overlap = await officer.request('POST', '/api/checks', {
      phone: '07911 123456',
      windows: [
        { notBefore: t, notAfter: t + HOUR },
        { notBefore: t + 30 * MIN, notAfter: t + 2 * HOUR },
      ],
    });
    expect(overlap.status).toBe(400);
    const allNow = await officer.request('POST', '/api/checks', {
      phone: '07911 123456',
      textAt: 'now',
      repeat: { firstDate: '2030-01-01', start: '09:00', minutes: 30, count: 2 },
    });
    expect(allNow.status).toBe(400);
  });
  it('a window that closes without the subject joining is listed as missed', async () => {
    const notBefore = clock.now() + 10 * MIN;
    const { checks } = await schedule({ windows: [{ notBefore, notAfter: notBefore + 30 * MIN }] });
    const id = checks[0]!.sessionId;
    const upcoming = await expectJson<{ checks: Check[] }>(
      officer.request('GET', '/api/checks?status=upcoming'),
    );
    expect(upcoming.checks.map((c) => c.sessionId)).toContain(id);
    clock.t = notBefore + 31 * MIN;
    const missed = await expectJson<{ checks: Check[] }>(officer.request('GET', '/api/checks?status=missed'));
    expect(missed.checks.map((c) => c.sessionId)).toContain(id);
    clock.t = Date.now();
  });

  // Last: it moves the clock days ahead (past the officers' sign-in) with no request meanwhile.
  it('a daily series at 21:00 London time makes one check per day; cancelling ends them, and no text goes', async () => {
    const tomorrow = new Date(clock.now() + 24 * HOUR).toISOString().slice(0, 10);
    const { seriesId, checks } = await schedule({
      repeat: { firstDate: tomorrow, start: '21:00', minutes: 30, count: 14 },
    });
    expect(checks).toHaveLength(14);
    expect(new Set(checks.map((c) => c.seriesId))).toEqual(new Set([seriesId]));
    expect(checks.every((c) => c.status === 'upcoming' && c.textSentAt === null)).toBe(true);
    const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeStyle: 'short' });
    expect(new Set(checks.map((c) => london.format(c.notBefore)))).toEqual(new Set(['21:00']));

    const cancel = await expectJson<{ cancelled: number }>(
      officer.request('POST', `/api/checks/series/${seriesId}/cancel`, { reason: 'bail varied by court' }),
    );
    expect(cancel.cancelled).toBe(14);
    const mine = await expectJson<{ checks: Check[] }>(officer.request('GET', '/api/checks'));
    expect(mine.checks.filter((c) => c.seriesId === seriesId).map((c) => c.status)).toEqual(
      Array(14).fill('cancelled'),
    );
    const audit = await a.c.audit.list({ limit: 100 });
    expect(audit.find((e) => e.action === 'check.cancel' && e.subjectId === seriesId)?.detail).toMatchObject({
      reason: 'bail varied by court',
      count: 14,
    });
    expect(audit.some((e) => e.action === 'check.schedule' && e.subjectId === seriesId)).toBe(true);
    // A cancelled check's text never goes, even once its window opens.
    clock.t = checks[0]!.notBefore + MIN;
    await a.c.checks.sendDue();
    clock.t = Date.now();
    expect(await textsOf(checks[0]!.sessionId)).toBe(0);
    expect((await a.c.sessions.summary(checks[0]!.sessionId)).state).toBe('ended');
  });
});
