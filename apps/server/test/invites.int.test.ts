import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFrom,
  invite,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  TestClock,
  type TestServer,
} from './harness.js';

let s: TestServer;
let officer: OfficerClient;
const clock = new TestClock();
// Above the five invites the first tests send to 07911 123456.
const PER_NUMBER = 6;
const PER_OFFICER_MINUTE = 8;

beforeAll(async () => {
  s = await startServer({
    clock,
    env: {
      SIGHTLINE_INVITE_TTL_MINUTES: '30',
      SIGHTLINE_INVITES_PER_NUMBER_HOUR: String(PER_NUMBER),
      SIGHTLINE_INVITES_PER_OFFICER_MINUTE: String(PER_OFFICER_MINUTE),
      SIGHTLINE_INVITES_PER_OFFICER_HOUR: '50',
    },
  });
  officer = await signIn(s, ['call-handler']);
});
afterAll(() => s?.close());

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('invites and links', () => {
  it('sends the link through the outbox gateway and stores only a hash of the token', async () => {
    const { sessionId, link, token } = await invite(s, officer);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    const outbox = (await (await officer.request('GET', '/api/outbox')).json()) as {
      messages: Array<{ body: string; sessionId: string; to: string }>;
    };
    const sms = outbox.messages.find((m) => m.sessionId === sessionId);
    expect(sms?.body).toContain(link);
    expect(sms?.to).toBe('+44 •••••••456');
    const row = await s.c.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.state).toBe('sent');
    // Nor anywhere else in the database: the outbox keeps the link sealed, for its sender only.
    for (const table of ['sms_outbox', 'audit_events', 'session_events'] as const) {
      const rows = await s.c.db.selectFrom(table).selectAll().execute();
      expect(JSON.stringify(rows), table).not.toContain(token);
    }
  });

  it('rejects invalid phone numbers with a clear message', async () => {
    for (const phone of ['12', 'not a number', '020 7946 0123', '+44 1234']) {
      const res = await officer.request('POST', '/api/sessions', { phone });
      expect(res.status, phone).toBe(422);
      const body = (await res.json()) as {
        error: { code: string; message: string; fields: { phone: string } };
      };
      expect(body.error.code).toBe('invalid_phone_number');
      expect(body.error.fields.phone.length).toBeGreaterThan(10);
    }
    const empty = await officer.request('POST', '/api/sessions', { phone: '' });
    expect(empty.status).toBe(400);
  });

  it('is single-use: the first phone claims it, any other gets the neutral error, the first can come back', async () => {
    const { sessionId, token } = await invite(s, officer);
    const first = await openLink(s, token);
    expect(first.status).toBe(200);
    const cookie = cookieFrom(first, 'sl_caller');
    const second = await openLink(s, token);
    expect(second.status).toBe(404);
    expect(await errorCode(second)).toBe('link_unavailable');
    expect(second.headers.getSetCookie()).toEqual([]);
    const again = await openLink(s, token, cookie);
    expect(again.status).toBe(200);
    const summary = await s.c.sessions.summary(sessionId);
    expect(summary.state).toBe('opened');
  });

  it('gives unknown, malformed and expired links the same neutral answer', async () => {
    const unknown = await openLink(s, 'A'.repeat(43));
    const { sessionId, token } = await invite(s, officer);
    clock.t += 31 * 60_000;
    const expired = await openLink(s, token);
    clock.t -= 31 * 60_000;
    for (const res of [unknown, expired]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { code: 'link_unavailable', message: 'this link cannot be used' },
      });
    }
    expect((await s.c.sessions.summary(sessionId)).state).toBe('expired');
    const tooShort = await openLink(s, 'abc');
    expect(tooShort.status).toBe(400);
  });

  it('serves the same page for any token, without claiming it (link previews must not use it up)', async () => {
    const { token } = await invite(s, officer);
    const page = await fetch(`${s.url}/j/${token}`);
    const other = await fetch(`${s.url}/j/${'B'.repeat(43)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(await other.text());
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await openLink(s, token)).status).toBe(200);
  });

  it('expires unopened links in the background sweep and tells consoles', async () => {
    const { sessionId } = await invite(s, officer);
    clock.t += 31 * 60_000;
    expect(await s.c.sessions.expireDue()).toBeGreaterThanOrEqual(1);
    clock.t -= 31 * 60_000;
    expect((await s.c.sessions.summary(sessionId)).state).toBe('expired');
    const audit = await s.c.audit.list({ limit: 50, subjectId: sessionId });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['invite.create', 'link.expire']));
  });
});

type OutboxView = { messages: Array<{ body: string; sessionId: string; to: string; linkHidden: boolean }> };
const outboxOf = async (o: OfficerClient) =>
  ((await (await o.request('GET', '/api/outbox')).json()) as OutboxView).messages;
const linkIn = (body: string) => /\/j\/(\S+)/.exec(body)?.[1]?.split('?')[0] ?? '';

describe('the SMS outbox: a caller link belongs to the caller', () => {
  // Its own officer, so the per-officer limit this file sets is not shared with the tests above.
  let sender: OfficerClient;
  beforeAll(async () => {
    sender = await signIn(s, ['call-handler']);
  });

  it('another call handler sees the text with the link and number masked, and cannot claim the link from it', async () => {
    const { sessionId, token } = await invite(s, sender, '07911 123457');
    const colleague = await signIn(s, ['call-handler']);
    const supervisor = await signIn(s, ['supervisor']);
    for (const other of [colleague, supervisor]) {
      const sms = (await outboxOf(other)).find((m) => m.sessionId === sessionId)!;
      expect(sms.body).not.toContain(token);
      expect(sms.body).toContain('/j/');
      expect(sms.linkHidden).toBe(true);
      expect(sms.to).toBe('+44 •••••••457');
      expect(JSON.stringify(await outboxOf(other))).not.toContain('7911123457');
      // Whatever the colleague copies out of the outbox does not open the caller's link.
      const attempt = await openLink(s, linkIn(sms.body));
      expect(attempt.status).not.toBe(200);
    }
    // ...and the caller still can.
    expect((await openLink(s, token)).status).toBe(200);
    expect((await s.c.sessions.summary(sessionId)).state).toBe('opened');
  });

  it('the sending officer sees the link until the caller opens it, then masked like everyone else', async () => {
    const { sessionId, link, token } = await invite(s, sender, '07911 123458');
    const mine = (await outboxOf(sender)).find((m) => m.sessionId === sessionId)!;
    expect(mine.body).toContain(link);
    expect(mine.linkHidden).toBe(false);
    expect(mine.to).toBe('+44 •••••••458');
    expect((await openLink(s, token)).status).toBe(200);
    const after = (await outboxOf(sender)).find((m) => m.sessionId === sessionId)!;
    expect(after.body).not.toContain(token);
    expect(after.linkHidden).toBe(true);
    // Opened means gone: not even the sealed copy stays in the database.
    const row = await s.c.db
      .selectFrom('sms_outbox')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(row.link_sealed).toBeNull();
  });

  it('the sending officer no longer sees a link that expired unopened', async () => {
    const { sessionId, token } = await invite(s, sender, '07911 123459');
    clock.t += 31 * 60_000;
    await s.c.sessions.expireDue();
    clock.t -= 31 * 60_000;
    const sms = (await outboxOf(sender)).find((m) => m.sessionId === sessionId)!;
    expect(sms.body).not.toContain(token);
    expect(sms.linkHidden).toBe(true);
  });
});

describe('invite limits', () => {
  it(`refuses the ${PER_NUMBER + 1}th invite to one number within an hour with 429 and says why`, async () => {
    const handler = await signIn(s, ['call-handler']);
    const colleague = await signIn(s, ['call-handler']);
    // Split between two officers: the limit is the number's, whoever sends.
    for (let i = 0; i < PER_NUMBER; i++) await invite(s, i % 2 ? colleague : handler, '07700 900123');
    const res = await handler.request('POST', '/api/sessions', { phone: '+44 7700 900123' });
    expect(res.status).toBe(429);
    const body = (await res.json()) as {
      error: { code: string; message: string; fields: { phone: string } };
    };
    expect(body.error.code).toBe('invite_limit_number');
    expect(body.error.message).toContain(`already been sent ${PER_NUMBER} links in the last hour`);
    expect(body.error.message).toMatch(/try again in \d+ minutes?/);
    expect(body.error.fields.phone).toBe(body.error.message);
    // Other numbers are unaffected, and an hour later this one may be texted again.
    await invite(s, handler, '07911 123460');
    clock.t += 61 * 60_000;
    try {
      await invite(s, handler, '07700 900123');
    } finally {
      clock.t -= 61 * 60_000;
    }
  });

  it(`refuses an officer's ${PER_OFFICER_MINUTE + 1}th invite within a minute with 429 and says why`, async () => {
    const busy = await signIn(s, ['call-handler']);
    const other = await signIn(s, ['call-handler']);
    for (let i = 0; i < PER_OFFICER_MINUTE; i++)
      await invite(s, busy, `07911 2000${String(i).padStart(2, '0')}`);
    const res = await busy.request('POST', '/api/sessions', { phone: '07911 200099' });
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invite_limit_officer');
    expect(body.error.message).toContain(`You have sent ${PER_OFFICER_MINUTE} links in the last minute`);
    // The limit is per officer: a colleague can still send.
    await invite(s, other, '07911 200099');
    const audit = await s.c.audit.list({ limit: 200 });
    expect(audit.some((a) => a.action === 'invite.refused' && a.actorId === busy.id)).toBe(true);
  });
});

// Last: it uses up this address's link claims for a minute.
describe('link claim throttling', () => {
  it('rate-limits link claims from one address', async () => {
    let limited = false;
    for (let i = 0; i < 30 && !limited; i++) limited = (await openLink(s, 'C'.repeat(43))).status === 429;
    expect(limited).toBe(true);
  });
});
