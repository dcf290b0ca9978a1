import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TwilioGateway, twilioStatus } from './twilio-gateway.js';

const URL = 'https://sightline.police.example/api/sms/twilio/status';
const TOKEN = 'b7c1e2d3f4a5968778695a4b3c2d1e0f';
const gateway = new TwilioGateway(
  {
    accountSid: `AC${'0'.repeat(32)}`,
    authToken: TOKEN,
    from: 'Police',
    messagingServiceSid: null,
    statusCallback: URL,
    apiBase: null,
    timeoutMs: 1000,
  },
  { now: () => 42 },
);
/** Twilio's documented scheme, written out independently of the client. */
const sign = (token: string, url: string, p: Record<string, string>) =>
  createHmac('sha1', token)
    .update(
      Object.keys(p)
        .sort()
        .reduce((acc, k) => acc + k + p[k], url),
    )
    .digest('base64');

describe('Twilio status callbacks', () => {
  const params = { MessageSid: 'SM1', MessageStatus: 'delivered', AccountSid: `AC${'0'.repeat(32)}` };

  it('accepts a callback signed with the auth token over the public URL', () => {
    expect(gateway.verify(sign(TOKEN, URL, params), params)).toBe(true);
  });

  it('refuses a wrong key, another URL, changed fields and no signature', () => {
    expect(gateway.verify(sign('x'.repeat(32), URL, params), params)).toBe(false);
    expect(gateway.verify(sign(TOKEN, 'https://evil.example/api/sms/twilio/status', params), params)).toBe(
      false,
    );
    expect(gateway.verify(sign(TOKEN, URL, params), { ...params, MessageStatus: 'failed' })).toBe(false);
    expect(gateway.verify(undefined, params)).toBe(false);
  });

  it('maps statuses and error codes to what the console shows', () => {
    expect(gateway.report(params)).toEqual({
      gateway: 'twilio',
      providerRef: 'SM1',
      status: 'delivered',
      reason: null,
      at: 42,
    });
    expect(twilioStatus('undelivered', '30005')).toEqual({
      status: 'failed',
      reason: 'the number does not exist',
    });
    expect(twilioStatus('failed', '99999')?.reason).toBe('Twilio error 99999 (failed)');
    expect(twilioStatus('sending', null)?.status).toBe('sent');
    expect(twilioStatus('whatever', null)).toBeNull();
  });
});
