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

beforeAll(async () => {
  s = await startServer({ clock, env: { SIGHTLINE_INVITE_TTL_MINUTES: '30' } });
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
    expect(sms?.to).toBe('+447911123456');
    const row = await s.c.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.state).toBe('sent');
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

  it('rate-limits link claims from one address', async () => {
    let limited = false;
    for (let i = 0; i < 30 && !limited; i++) limited = (await openLink(s, 'C'.repeat(43))).status === 429;
    expect(limited).toBe(true);
  });
});
