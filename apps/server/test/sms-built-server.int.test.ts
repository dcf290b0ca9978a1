import type { SessionDetail } from '@sightline/protocol';
import { officerApi } from '@sightline/testkit/officer';
import { type Sightline, startSightline } from '@sightline/testkit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './harness.js';
import { SMSC_PASSWORD, SMSC_SYSTEM_ID, startSmscFake } from './sms/smsc-fake.js';
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN } from './sms/twilio-fake.js';

// The other SMS tests build the server inside Vitest, whose CommonJS interop hides what plain
// Node's ESM loader does not expose (twice the built server crashed on a name the smpp package
// only adds at run time). This one runs the built server, as `npm start` does, with SMPP as the
// gateway and Twilio as the fallback, so both clients are loaded the way production loads them.
let server: Sightline;
let smsc: Awaited<ReturnType<typeof startSmscFake>>;
let twilio: Awaited<ReturnType<typeof startTwilioFake>>;

beforeAll(async () => {
  smsc = await startSmscFake();
  twilio = await startTwilioFake();
  server = await startSightline({
    SIGHTLINE_LOG_LEVEL: 'warn',
    SIGHTLINE_SMS_GATEWAY: 'smpp',
    SIGHTLINE_SMS_FALLBACK_GATEWAY: 'twilio',
    SIGHTLINE_SMS_TIMEOUT_SECONDS: '5',
    SIGHTLINE_SMPP_URL: smsc.url,
    SIGHTLINE_SMPP_SYSTEM_ID: SMSC_SYSTEM_ID,
    SIGHTLINE_SMPP_PASSWORD: SMSC_PASSWORD,
    SIGHTLINE_TWILIO_ACCOUNT_SID: TWILIO_SID,
    SIGHTLINE_TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    SIGHTLINE_TWILIO_FROM: 'Police',
    SIGHTLINE_TWILIO_API_BASE: twilio.url,
  });
  await eventually(() => smsc.binds.some((b) => b.ok), 20_000);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await smsc?.close();
  await twilio?.close();
});

describe('the built server (plain Node) with real SMS clients', () => {
  it('sends a Welsh text by SMPP as UCS-2, shows its receipt as delivered, and falls back to Twilio when the SMSC refuses', async () => {
    const api = await officerApi(server.url, 'handler');
    const welsh = await api.request<{ session: SessionDetail['session']; link: string }>(
      'POST',
      '/api/sessions',
      { phone: '07700 900301', language: 'cy' },
    );
    const text = smsc.texts.find((t) => t.to === '447700900301');
    expect(text?.dataCoding).toBe(8);
    expect(text?.body).toContain(welsh.link);
    expect(await smsc.receipt(text!.messageId, 'DELIVRD')).toBe(0);
    await eventually(async () => {
      const d = await api.request<SessionDetail>('GET', `/api/sessions/${welsh.session.id}`);
      return d.session.text?.status === 'delivered';
    }, 20_000);

    smsc.behave('447700900302', 'refuse');
    const refused = await api.request<{ session: SessionDetail['session']; link: string }>(
      'POST',
      '/api/sessions',
      { phone: '07700 900302' },
    );
    // Twilio answers a new message as 'queued' (it has taken it; delivery comes by callback).
    expect(refused.session.text).toMatchObject({ gateway: 'twilio', status: 'queued' });
    expect(twilio.texts.map((t) => t.to)).toContain('+447700900302');
  });
});
