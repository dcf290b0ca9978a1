import { describe, expect, it } from 'vitest';
import { parseAml, parseAmlTime } from './aml-parser.js';

const now = Date.UTC(2026, 10, 30, 16, 0, 0);
const o = { originator: null, defaultRegion: 'GB', now };
// Google's published ELS V1 example (docs/aml.md), with a fix time before `now`.
const SMS =
  'A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=20261130155748;lc=68;pm=W;si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=126';
const HTTPS = [
  'v=1',
  'emergency_number=999',
  `time=${now - 60_000}`,
  'location_latitude=51.50100',
  'location_longitude=-0.14190',
  'location_accuracy=12.5',
  `location_time=${now - 30_000}`,
  'location_source=gps',
  'location_certainty=68',
  'device_number=%2B447700900123',
  'device_imei=355458061005220',
  'device_imsi=234159000000000',
  'network_mcc=234',
  'network_mnc=15',
].join('&');

describe('parseAml', () => {
  it('reads the HTTPS form, with & or ; between pairs and a percent-encoded number', () => {
    for (const body of [HTTPS, HTTPS.replaceAll('&', ';')]) {
      const r = parseAml(body, o);
      expect(r).toEqual({
        ok: true,
        message: {
          format: 'https',
          msisdnE164: '+447700900123',
          lat: 51.501,
          lon: -0.1419,
          radiusM: 12.5,
          positionedAt: now - 30_000,
          confidence: 68,
          method: 'gnss',
          altitudeM: null,
          emergencyNumber: '999',
          imei: '355458061005220',
          imsi: '234159000000000',
          mcc: '234',
          mnc: '15',
        },
      });
    }
  });

  it('falls back to the call time when the handset sent no location_time', () => {
    const r = parseAml(HTTPS.replace(/&location_time=\d+/, ''), o);
    expect(r.ok && r.message.positionedAt).toBe(now - 60_000);
  });

  it('reads the SMS form, taking the number from the relay', () => {
    const r = parseAml(SMS, { ...o, originator: '07700 900123' });
    expect(r.ok && r.message).toMatchObject({
      format: 'sms',
      msisdnE164: '+447700900123',
      lat: 51.53321,
      lon: -0.12601,
      radiusM: 14,
      positionedAt: Date.UTC(2026, 10, 30, 15, 57, 48),
      confidence: 68,
      method: 'wifi',
      imei: '123456789012345',
    });
  });

  it('names each bad field: coordinates out of range, missing fields, bad dates, no number', () => {
    const bad = parseAml(
      HTTPS.replace('location_latitude=51.50100', 'location_latitude=91')
        .replace(/&location_accuracy=[^&]+/, '')
        .replace(/location_time=\d+/, 'location_time=20261331250000'),
      o,
    );
    expect(bad).toEqual({
      ok: false,
      format: 'https',
      errors: {
        location_latitude: 'must be between -90 and 90',
        location_accuracy: expect.stringMatching(/required|expected/i),
        location_time: 'not a real date and time (yyyyMMddHHmmss, UTC)',
      },
    });
    const sms = parseAml(SMS.replace('pm=W', 'pm=N'), o);
    expect(sms).toEqual({
      ok: false,
      format: 'sms',
      errors: { pm: 'N: the handset had no position to send', originator: expect.any(String) },
    });
  });

  it('refuses a position time in the future and a key sent twice', () => {
    expect(parseAmlTime(String(now + 3_600_000), now)).toBe('in the future');
    const r = parseAml(`${HTTPS}&location_latitude=1`, o);
    expect(r).toMatchObject({ ok: false, errors: { location_latitude: 'sent more than once' } });
  });
});
