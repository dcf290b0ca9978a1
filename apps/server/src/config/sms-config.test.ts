import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const KEY = 'live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0';
const TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
const SID = `AC${'0123456789abcdef'.repeat(2)}`;

describe('SMS gateway settings', () => {
  it('defaults to the outbox with no fallback and no provider settings', () => {
    const { smsGateways } = loadConfig({});
    expect(smsGateways).toMatchObject({ primary: 'outbox', fallback: null, timeoutMs: 15_000 });
    expect([smsGateways.notify, smsGateways.twilio, smsGateways.smpp]).toEqual([null, null, null]);
  });

  it('names the missing keys of a chosen gateway, the fallback included', () => {
    expect(() => loadConfig({ SIGHTLINE_SMS_GATEWAY: 'notify' })).toThrow(
      /SIGHTLINE_NOTIFY_API_KEY, SIGHTLINE_NOTIFY_TEMPLATE_ID: required for the notify SMS gateway/,
    );
    expect(() => loadConfig({ SIGHTLINE_SMS_FALLBACK_GATEWAY: 'smpp' })).toThrow(/SIGHTLINE_SMPP_URL/);
    expect(() => loadConfig({ SIGHTLINE_SMS_GATEWAY: 'twilio', SIGHTLINE_TWILIO_ACCOUNT_SID: SID })).toThrow(
      /SIGHTLINE_TWILIO_AUTH_TOKEN/,
    );
    expect(() => loadConfig({ SIGHTLINE_SMS_GATEWAY: 'carrier-pigeon' })).toThrow(/SIGHTLINE_SMS_GATEWAY/);
  });

  it('refuses a fallback that is the gateway itself, and malformed provider values', () => {
    expect(() => loadConfig({ SIGHTLINE_SMS_FALLBACK_GATEWAY: 'outbox' })).toThrow(
      /SIGHTLINE_SMS_FALLBACK_GATEWAY: must differ/,
    );
    const notify = { SIGHTLINE_SMS_GATEWAY: 'notify', SIGHTLINE_NOTIFY_TEMPLATE_ID: TEMPLATE };
    expect(() => loadConfig({ ...notify, SIGHTLINE_NOTIFY_API_KEY: 'not-a-key' })).toThrow(
      /SIGHTLINE_NOTIFY_API_KEY: expected the key as Notify shows it/,
    );
    expect(() => loadConfig({ SIGHTLINE_TWILIO_ACCOUNT_SID: 'AC123' })).toThrow(
      /SIGHTLINE_TWILIO_ACCOUNT_SID/,
    );
    expect(() => loadConfig({ SIGHTLINE_SMPP_URL: 'http://smsc:2775' })).toThrow(/SIGHTLINE_SMPP_URL/);
    expect(() => loadConfig({ SIGHTLINE_SMPP_PASSWORD: 'much-too-long' })).toThrow(/at most 8/);
  });

  it('derives the Twilio callback from the public URL and keeps each gateway’s settings', () => {
    const c = loadConfig({
      SIGHTLINE_PUBLIC_URL: 'https://sightline.police.example',
      SIGHTLINE_SMS_GATEWAY: 'twilio',
      SIGHTLINE_SMS_FALLBACK_GATEWAY: 'notify',
      SIGHTLINE_TWILIO_ACCOUNT_SID: SID,
      SIGHTLINE_TWILIO_AUTH_TOKEN: 'token',
      SIGHTLINE_NOTIFY_API_KEY: KEY,
      SIGHTLINE_NOTIFY_TEMPLATE_ID: TEMPLATE,
      SIGHTLINE_SMS_TIMEOUT_SECONDS: '5',
    });
    expect(c.smsGateways.twilio?.statusCallback).toBe(
      'https://sightline.police.example/api/sms/twilio/status',
    );
    expect(c.smsGateways.notify).toMatchObject({
      baseUrl: 'https://api.notifications.service.gov.uk',
      callbackToken: null,
    });
    expect(c.smsGateways.timeoutMs).toBe(5000);
    expect(c.smsGateways.smpp).toBeNull();
  });
});
