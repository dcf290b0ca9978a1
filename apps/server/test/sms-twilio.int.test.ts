import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, startNotifyFake } from './sms/notify-fake.js';
import { detail, sendLink, shownText, texts } from './sms/sms-test-helpers.js';
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN } from './sms/twilio-fake.js';

// Twilio as the gateway (its official client against a local server speaking Twilio's REST API),
// with GOV.UK Notify as the fallback, polled for statuses (no callback configured). The public URL
// is the one Twilio would call; the fake signs for it and posts to the server's real address,
// as a reverse proxy would forward it.
const PUBLIC_URL = 'http://sightline.example.test';
let s: TestServer;
let officer: OfficerClient;
let twilio: Awaited<ReturnType<typeof startTwilioFake>>;
let notify: Awaited<ReturnType<typeof startNotifyFake>>;
const callbackAt = () => `${s.url}/api/sms/twilio/status`;

beforeAll(async () => {
  twilio = await startTwilioFake();
  notify = await startNotifyFake();
  s = await startServer({
    env: {
      SIGHTLINE_PUBLIC_URL: PUBLIC_URL,
      SIGHTLINE_SMS_GATEWAY: 'twilio',
      SIGHTLINE_SMS_FALLBACK_GATEWAY: 'notify',
      SIGHTLINE_SMS_TIMEOUT_SECONDS: '2',
      SIGHTLINE_TWILIO_ACCOUNT_SID: TWILIO_SID,
      SIGHTLINE_TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      SIGHTLINE_TWILIO_FROM: 'Police',
      SIGHTLINE_TWILIO_API_BASE: twilio.url,
      SIGHTLINE_NOTIFY_API_KEY: NOTIFY_API_KEY,
      SIGHTLINE_NOTIFY_TEMPLATE_ID: NOTIFY_TEMPLATE_ID,
      SIGHTLINE_NOTIFY_BASE_URL: notify.url,
    },
  });
  officer = await signIn(s, ['call-handler']);
});
afterAll(async () => {
  await s?.close();
  await twilio?.close();
  await notify?.close();
});

describe('Twilio gateway', () => {
  it('sends through Twilio with Basic auth and a status callback URL, and a signed callback shows it delivered', async () => {
    const sent = await sendLink(officer, '07700 900101');
    expect(sent.status).toBe(201);
    const msg = twilio.texts.find((t) => t.to === '+447700900101')!;
    expect(msg.body).toContain(sent.link);
    expect(msg.from).toBe('Police');
    expect(msg.statusCallback).toBe(`${PUBLIC_URL}/api/sms/twilio/status`);
    expect(twilio.unauthorised).toBe(0);
    expect(sent.session.text).toMatchObject({ gateway: 'twilio', status: 'queued' });

    expect(await twilio.callback(msg.sid, 'sent', { postTo: callbackAt() })).toBe(204);
    expect(await twilio.callback(msg.sid, 'delivered', { postTo: callbackAt() })).toBe(204);
    await shownText(officer, sent.session.id, (t) => t.status === 'delivered');
    // A late "sent" after "delivered" does not move it back.
    expect(await twilio.callback(msg.sid, 'sent', { postTo: callbackAt() })).toBe(204);
    expect((await detail(officer, sent.session.id)).session.text?.status).toBe('delivered');
  });

  it('shows an undelivered text with the reason Twilio’s error code means', async () => {
    const sent = await sendLink(officer, '07700 900102');
    const msg = twilio.texts.find((t) => t.to === '+447700900102')!;
    await twilio.callback(msg.sid, 'undelivered', { errorCode: '30003', postTo: callbackAt() });
    const failed = await shownText(officer, sent.session.id, (t) => t.status === 'failed');
    expect(failed.reason).toBe('the phone is switched off or out of coverage');
    const timeline = (await detail(officer, sent.session.id)).timeline;
    expect(timeline.find((e) => e.type === 'text.failed')?.detail).toContain('switched off');
  });

  it('refuses callbacks with a forged signature or signed for another URL (403, audited)', async () => {
    const sent = await sendLink(officer, '07700 900103');
    const msg = twilio.texts.find((t) => t.to === '+447700900103')!;
    const forged = await twilio.callback(msg.sid, 'delivered', {
      signWith: 'ffffffffffffffffffffffffffffffff',
      postTo: callbackAt(),
    });
    expect(forged).toBe(403);
    const elsewhere = await twilio.callback(msg.sid, 'delivered', {
      signFor: 'https://attacker.example/api/sms/twilio/status',
      postTo: callbackAt(),
    });
    expect(elsewhere).toBe(403);
    const unsigned = await fetch(callbackAt(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ MessageSid: msg.sid, MessageStatus: 'delivered' }).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect((await detail(officer, sent.session.id)).session.text?.status).toBe('queued');
    const refused = (await s.c.audit.list({ limit: 100 })).filter((a) => a.action === 'sms.callback_refused');
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused[0]?.detail).toMatchObject({ gateway: 'twilio' });
  });

  it('falls back to Notify when Twilio refuses the number, and learns its delivery by polling', async () => {
    twilio.behave('+447700900104', 'refuse');
    const sent = await sendLink(officer, '07700 900104');
    const list = await texts(officer, sent.session.id);
    expect(list.gateways).toEqual({ primary: 'twilio', fallback: 'notify' });
    expect(list.texts.map((t) => [t.gateway, t.status])).toEqual([
      ['twilio', 'failed'],
      ['notify', 'queued'],
    ]);
    expect(list.texts[0]!.reason).toContain('21211');
    // Twilio's message quotes the number; it is kept out of the reason, the timeline and the audit.
    expect(list.texts[0]!.reason).toContain('[the number]');
    const everywhere = JSON.stringify([
      list,
      await detail(officer, sent.session.id),
      await s.c.audit.list({ limit: 500 }),
    ]);
    expect(everywhere).not.toContain('7700900104');
    const viaNotify = notify.texts.find((t) => t.phone === '+447700900104')!;
    expect(viaNotify.body).toContain(sent.link);
    await notify.setStatus(viaNotify.id, 'delivered');
    await s.c.deliveries.poll();
    await shownText(officer, sent.session.id, (t) => t.status === 'delivered' && t.gateway === 'notify');
  });

  it('records a Twilio timeout as uncertain and sends nothing by Notify', async () => {
    twilio.behave('+447700900105', 'hang');
    const sent = await sendLink(officer, '07700 900105');
    expect(sent.session.text).toMatchObject({ gateway: 'twilio', status: 'failed', uncertain: true });
    expect(notify.texts.some((t) => t.phone === '+447700900105')).toBe(false);
  });
});
