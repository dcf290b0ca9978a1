import type { TextDelivery } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { detail, newKey, resend, sendLink, shownText, texts, until } from './sms/sms-test-helpers.js';
import { SMSC_PASSWORD, SMSC_SYSTEM_ID, startSmscFake } from './sms/smsc-fake.js';
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN } from './sms/twilio-fake.js';

// SMPP 3.4 as the gateway (the smpp package's client against an SMSC built with its server
// side), with Twilio as the fallback.
let s: TestServer;
let officer: OfficerClient;
let smsc: Awaited<ReturnType<typeof startSmscFake>>;
let twilio: Awaited<ReturnType<typeof startTwilioFake>>;

beforeAll(async () => {
  smsc = await startSmscFake();
  twilio = await startTwilioFake();
  s = await startServer({
    env: {
      SIGHTLINE_SMS_GATEWAY: 'smpp',
      SIGHTLINE_SMS_FALLBACK_GATEWAY: 'twilio',
      SIGHTLINE_SMS_TIMEOUT_SECONDS: '2',
      SIGHTLINE_SMPP_URL: smsc.url,
      SIGHTLINE_SMPP_SYSTEM_ID: SMSC_SYSTEM_ID,
      SIGHTLINE_SMPP_PASSWORD: SMSC_PASSWORD,
      SIGHTLINE_SMPP_ENQUIRE_LINK_SECONDS: '5',
      SIGHTLINE_TWILIO_ACCOUNT_SID: TWILIO_SID,
      SIGHTLINE_TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      SIGHTLINE_TWILIO_FROM: 'Police',
      SIGHTLINE_TWILIO_API_BASE: twilio.url,
    },
  });
  officer = await signIn(s, ['call-handler']);
  await until(() => smsc.binds.some((b) => b.ok), 'the bind');
});
afterAll(async () => {
  await s?.close();
  await smsc?.close();
  await twilio?.close();
});

describe('SMPP gateway', () => {
  it('binds as a transceiver with its credentials, submits with a receipt requested, and DELIVRD shows delivered', async () => {
    expect(smsc.binds).toEqual([{ systemId: SMSC_SYSTEM_ID, ok: true }]);
    const sent = await sendLink(officer, '07700 900201');
    expect(sent.status).toBe(201);
    const submitted = smsc.texts.find((t) => t.to === '447700900201')!;
    expect(submitted.body).toContain(sent.link);
    expect(submitted.from).toBe('Police');
    expect(submitted.registeredDelivery).toBe(1);
    expect(sent.session.text).toMatchObject({ gateway: 'smpp', status: 'sent' });
    expect(await smsc.receipt(submitted.messageId, 'DELIVRD')).toBe(0);
    await shownText(officer, sent.session.id, (t) => t.status === 'delivered');
    const timeline = (await detail(officer, sent.session.id)).timeline.map((e) => e.type);
    expect(timeline).toContain('text.delivered');
  });

  it('shows an UNDELIV receipt as failed with the network error, and resends the same link', async () => {
    const sent = await sendLink(officer, '07700 900202');
    const first = smsc.texts.find((t) => t.to === '447700900202')!;
    await smsc.receipt(first.messageId, 'UNDELIV', '034');
    const failed = await shownText(officer, sent.session.id, (t) => t.status === 'failed');
    expect(failed.reason).toBe('the network could not deliver it (error 034)');
    const again = await resend(officer, sent.session.id, 'primary');
    expect(again.text).toMatchObject({ attempt: 2, gateway: 'smpp', status: 'sent' });
    const bodies = smsc.texts.filter((t) => t.to === '447700900202').map((t) => t.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
  });

  it('a Welsh, Polish or Arabic text arrives as written (UCS-2), an English one as GSM with its link intact', async () => {
    const cases = [
      ['en', '07700 900211', 0x00, 'to show the call handler'],
      ['cy', '07700 900212', 0x08, 'ar y ffôn hwn'],
      ['pl', '07700 900213', 0x08, 'gdzie jesteś i co widzisz'],
      ['ar', '07700 900214', 0x08, 'يعمل الرابط مرة واحدة فقط'],
    ] as const;
    for (const [language, phone, dataCoding, words] of cases) {
      const res = await officer.request(
        'POST',
        '/api/sessions',
        { phone, language },
        { 'idempotency-key': newKey() },
      );
      const sent = (await res.json()) as { link: string; session: { text: TextDelivery } };
      expect(sent.session.text, language).toMatchObject({ gateway: 'smpp', status: 'sent' });
      const submitted = smsc.texts.find((t) => t.to === `44${phone.slice(1).replace(' ', '')}`)!;
      expect(submitted.dataCoding, language).toBe(dataCoding);
      expect(submitted.body, language).toContain(words);
      expect(submitted.body, language).toContain(sent.link);
    }
  });

  it('matches a receipt whose id is the submit_sm_resp id written in hex', async () => {
    const sent = await sendLink(officer, '07700 900215');
    const submitted = smsc.texts.find((t) => t.to === '447700900215')!;
    const hex = BigInt(submitted.messageId).toString(16).toUpperCase();
    expect(await smsc.receipt(submitted.messageId, 'DELIVRD', '000', hex)).toBe(0);
    await shownText(officer, sent.session.id, (t) => t.status === 'delivered');
  });

  it('falls back to Twilio when the SMSC refuses the destination', async () => {
    smsc.behave('447700900203', 'refuse');
    const sent = await sendLink(officer, '07700 900203');
    const list = await texts(officer, sent.session.id);
    expect(list.texts.map((t) => [t.gateway, t.status])).toEqual([
      ['smpp', 'failed'],
      ['twilio', 'queued'],
    ]);
    expect(list.texts[0]!.reason).toBe('the SMSC refused the text (ESME_RINVDSTADR)');
    expect(twilio.texts.find((t) => t.to === '+447700900203')?.body).toContain(sent.link);
  });

  it('records no submit_sm_resp in time as uncertain, without a second text by Twilio', async () => {
    smsc.behave('447700900204', 'hang');
    const sent = await sendLink(officer, '07700 900204');
    expect(sent.session.text).toMatchObject({ gateway: 'smpp', status: 'failed', uncertain: true });
    expect(twilio.texts.some((t) => t.to === '+447700900204')).toBe(false);
  });

  it('a submit_sm_resp that comes after the timeout gives the uncertain text its id, so its receipt is shown', async () => {
    smsc.behave('447700900216', 'late');
    const sent = await sendLink(officer, '07700 900216');
    expect(sent.session.text).toMatchObject({ gateway: 'smpp', status: 'failed', uncertain: true });
    await shownText(officer, sent.session.id, (t) => t.status === 'sent' && !t.uncertain);
    const submitted = smsc.texts.find((t) => t.to === '447700900216')!;
    expect(await smsc.receipt(submitted.messageId, 'DELIVRD')).toBe(0);
    await shownText(officer, sent.session.id, (t) => t.status === 'delivered');
    expect(twilio.texts.some((t) => t.to === '+447700900216')).toBe(false);
  });

  it('keeps the bind with enquire_link and binds again after the connection drops', async () => {
    await until(() => smsc.enquiries > 0, 'an enquire_link', 8000);
    const before = smsc.binds.length;
    smsc.dropAll();
    await until(() => smsc.binds.length > before && smsc.sessions > 0, 'a new bind', 8000);
    await until(async () => {
      const r = await sendLink(officer, '07700 900205');
      return r.session.text?.gateway === 'smpp' && r.session.text.status === 'sent';
    }, 'a text over the new bind');
  });

  it('sends by Twilio at once while the SMSC cannot be reached (nothing was sent by SMPP)', async () => {
    await smsc.close();
    const sent = await sendLink(officer, '07700 900206');
    const list = await texts(officer, sent.session.id);
    expect(list.texts[0]).toMatchObject({ gateway: 'smpp', status: 'failed', uncertain: false });
    expect(list.texts[0]!.reason).toContain('not connected to the SMSC');
    expect(list.texts[1]).toMatchObject({ gateway: 'twilio', status: 'queued' });
  });
});
