import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, startNotifyFake } from './sms/notify-fake.js';
import { detail, newKey, resend, sendLink, shownText, texts, until } from './sms/sms-test-helpers.js';
import { SMSC_PASSWORD, SMSC_SYSTEM_ID, startSmscFake } from './sms/smsc-fake.js';

// GOV.UK Notify as the gateway (its official client against a local server speaking Notify's
// API), with an SMSC as the fallback route.
const CALLBACK_TOKEN = 'notify-callback-token-0123456789abcdef';
const PER_NUMBER = 3;
let s: TestServer;
let officer: OfficerClient;
let notify: Awaited<ReturnType<typeof startNotifyFake>>;
let smsc: Awaited<ReturnType<typeof startSmscFake>>;

beforeAll(async () => {
  notify = await startNotifyFake();
  smsc = await startSmscFake();
  s = await startServer({
    env: {
      SIGHTLINE_SMS_GATEWAY: 'notify',
      SIGHTLINE_SMS_FALLBACK_GATEWAY: 'smpp',
      SIGHTLINE_SMS_TIMEOUT_SECONDS: '2',
      SIGHTLINE_NOTIFY_API_KEY: NOTIFY_API_KEY,
      SIGHTLINE_NOTIFY_TEMPLATE_ID: NOTIFY_TEMPLATE_ID,
      SIGHTLINE_NOTIFY_BASE_URL: notify.url,
      SIGHTLINE_NOTIFY_CALLBACK_TOKEN: CALLBACK_TOKEN,
      SIGHTLINE_SMPP_URL: smsc.url,
      SIGHTLINE_SMPP_SYSTEM_ID: SMSC_SYSTEM_ID,
      SIGHTLINE_SMPP_PASSWORD: SMSC_PASSWORD,
      SIGHTLINE_INVITES_PER_NUMBER_HOUR: String(PER_NUMBER),
    },
  });
  notify.callbackTo(`${s.url}/api/sms/notify/status`, CALLBACK_TOKEN);
  officer = await signIn(s, ['call-handler']);
  await until(() => smsc.sessions > 0 && smsc.binds.some((b) => b.ok), 'the SMPP fallback to bind');
});
afterAll(async () => {
  await s?.close();
  await notify?.close();
  await smsc?.close();
});

describe('GOV.UK Notify gateway', () => {
  it('sends the text through Notify with a valid signed token, and a delivery receipt shows it delivered', async () => {
    const sent = await sendLink(officer, '07700 900001');
    expect(sent.status).toBe(201);
    const text = notify.texts.find((t) => t.phone === '+447700900001');
    expect(text?.body).toContain(sent.link);
    expect(text?.reference).toMatch(new RegExp(`^${sent.key}\\.`));
    expect(notify.refusedAuth).toEqual([]);
    expect(sent.session.text).toMatchObject({ gateway: 'notify', status: 'queued', attempt: 1 });
    expect(sent.session.state).toBe('sent');

    expect(await notify.setStatus(text!.id, 'sending')).toBe(204);
    expect(await notify.setStatus(text!.id, 'delivered')).toBe(204);
    const shown = await shownText(officer, sent.session.id, (t) => t.status === 'delivered');
    expect(shown.deliveredAt).not.toBeNull();
    const timeline = (await detail(officer, sent.session.id)).timeline.map((e) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['invite.sent', 'text.delivered']));
  });

  it('shows a failure Notify reports later with its reason, and the same link can be sent again', async () => {
    const sent = await sendLink(officer, '07700 900002');
    const first = notify.texts.find((t) => t.phone === '+447700900002')!;
    await notify.setStatus(first.id, 'permanent-failure');
    const failed = await shownText(officer, sent.session.id, (t) => t.status === 'failed');
    expect(failed.reason).toBe('the number does not exist or cannot receive texts');
    expect((await detail(officer, sent.session.id)).session.state).toBe('sent');

    const again = await resend(officer, sent.session.id, 'primary');
    expect(again.status).toBe(201);
    expect(again.text).toMatchObject({ attempt: 2, gateway: 'notify', status: 'queued' });
    const both = notify.texts.filter((t) => t.phone === '+447700900002');
    expect(both).toHaveLength(2);
    expect(both[1]!.body).toBe(both[0]!.body); // the same link: the first still works if it arrives
  });

  it('goes to the SMPP fallback by itself when Notify refuses, and shows why the first failed', async () => {
    notify.behave('+447700900003', 'refuse');
    const sent = await sendLink(officer, '07700 900003');
    expect(sent.status).toBe(201);
    expect(smsc.texts.find((t) => t.to === '447700900003')?.body).toContain(sent.link);
    const list = await texts(officer, sent.session.id);
    expect(list.texts.map((t) => [t.gateway, t.tryNo, t.status])).toEqual([
      ['notify', 1, 'failed'],
      ['smpp', 2, 'sent'],
    ]);
    expect(list.texts[0]!.reason).toContain("Can't send to this recipient");
    const timeline = (await detail(officer, sent.session.id)).timeline.map((e) => e.type);
    expect(timeline).toContain('text.fallback');
  });

  it('records a timeout as failed and uncertain, and does not send by the fallback (it may still arrive)', async () => {
    notify.behave('+447700900004', 'hang');
    const started = Date.now();
    const sent = await sendLink(officer, '07700 900004');
    expect(sent.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(sent.session.text).toMatchObject({ status: 'failed', uncertain: true, tryNo: 1 });
    expect(sent.session.text?.reason).toContain('may still arrive');
    expect(smsc.texts.some((t) => t.to === '447700900004')).toBe(false);
    expect(sent.session.state).toBe('sent');
    const audit = await s.c.audit.list({ limit: 100 });
    expect(audit.some((a) => a.action === 'invite.text_failed' && a.subjectId === sent.session.id)).toBe(
      true,
    );
  });

  it('a text that timed out but that Notify took shows delivered when Notify’s receipt names our reference', async () => {
    notify.behave('+447700900009', 'late');
    const sent = await sendLink(officer, '07700 900009');
    expect(sent.session.text).toMatchObject({ status: 'failed', uncertain: true });
    await until(() => notify.texts.some((t) => t.phone === '+447700900009'), 'Notify to take the text');
    const taken = notify.texts.find((t) => t.phone === '+447700900009')!;
    expect(await notify.setStatus(taken.id, 'delivered')).toBe(204);
    const shown = await shownText(officer, sent.session.id, (t) => t.status === 'delivered');
    expect(shown).toMatchObject({ uncertain: false, reason: null, attempt: 1, tryNo: 1 });
    const timeline = (await detail(officer, sent.session.id)).timeline.map((e) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['text.failed', 'text.confirmed', 'text.delivered']));
  });

  it('sends one text for one press: the same key twice, even at once, gives one text and the first answer', async () => {
    const key = newKey();
    const [a, b] = await Promise.all([
      sendLink(officer, '07700 900005', key),
      sendLink(officer, '07700 900005', key),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.session.id).toBe(b.session.id);
    expect(a.link).toBe(b.link);
    expect(notify.texts.filter((t) => t.phone === '+447700900005')).toHaveLength(1);
    const later = await sendLink(officer, '07700 900005', key);
    expect(later.session.id).toBe(a.session.id);
    expect(notify.texts.filter((t) => t.phone === '+447700900005')).toHaveLength(1);
    // The same key for another number is not this press: refused, nothing sent.
    expect((await sendLink(officer, '07700 900015', key)).status).toBe(409);
    expect(notify.texts.some((t) => t.phone === '+447700900015')).toBe(false);
    // Another officer cannot use someone else's key to read their answer.
    const other = await signIn(s, ['call-handler']);
    expect((await sendLink(other, '07700 900005', key)).status).toBe(409);
  });

  it('sends by the other route on request, and counts resends against the number limit', async () => {
    const sent = await sendLink(officer, '07700 900006');
    const press = newKey();
    const viaSmsc = await resend(officer, sent.session.id, 'fallback', press);
    expect(viaSmsc.status).toBe(201);
    expect(viaSmsc.text).toMatchObject({ gateway: 'smpp', route: 'fallback', attempt: 2 });
    // The same resend press again: the first answer, no second text, not counted again.
    const repeated = await resend(officer, sent.session.id, 'fallback', press);
    expect(repeated.text.id).toBe(viaSmsc.text.id);
    expect(smsc.texts.filter((t) => t.to === '447700900006')).toHaveLength(1);
    expect(smsc.texts.find((t) => t.to === '447700900006')?.body).toContain(sent.link);
    expect((await resend(officer, sent.session.id, 'primary')).status).toBe(201);
    // The fourth text to this number within the hour (invite + two resends before it).
    const refused = await resend(officer, sent.session.id, 'primary');
    expect(refused.status).toBe(429);
    expect(refused.error?.code).toBe('invite_limit_number');
    expect(refused.error?.message).toContain(`already been sent ${PER_NUMBER} links in the last hour`);
    expect(notify.texts.filter((t) => t.phone === '+447700900006')).toHaveLength(2);
  });

  it('refuses a callback without Notify’s bearer token (403, audited) and leaves the status alone', async () => {
    const sent = await sendLink(officer, '07700 900007');
    const text = notify.texts.find((t) => t.phone === '+447700900007')!;
    expect(await notify.setStatus(text.id, 'delivered', 'not-the-token')).toBe(403);
    expect((await detail(officer, sent.session.id)).session.text?.status).toBe('queued');
    const audit = await s.c.audit.list({ limit: 100 });
    expect(audit.some((a) => a.action === 'sms.callback_refused')).toBe(true);
  });

  it('refuses a resend once the caller has opened the link (it works once)', async () => {
    const sent = await sendLink(officer, '07700 900008');
    const token = sent.link.split('/j/')[1]!;
    const open = await fetch(`${s.url}/api/join/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(open.status).toBe(200);
    await until(async () => (await detail(officer, sent.session.id)).session.state === 'opened', 'opened');
    const again = await resend(officer, sent.session.id, 'primary');
    expect(again.status).toBe(409);
    expect(again.error?.message).toContain('already opened the link');
  });

  // Last: it uses up this address's callback allowance for a minute.
  it('rate-limits the public callback route (600 a minute per address)', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 620 }, () =>
        fetch(`${s.url}/api/sms/notify/status`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((x) => x === 400).length).toBeLessThanOrEqual(600);
    expect(statuses).toContain(429);
  });
});
