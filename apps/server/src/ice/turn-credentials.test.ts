import { describe, expect, it } from 'vitest';
import { turnCredential } from './turn-credentials.js';

describe('TURN REST credentials', () => {
  // Expected values computed independently with OpenSSL:
  //   printf '%s' '1700000000:c-3f9a' | openssl dgst -sha1 -hmac 'north-wind-7' -binary | base64
  it('matches HMAC-SHA1 computed by OpenSSL for the same secret and username', () => {
    expect(turnCredential('north-wind-7', 'c-3f9a', 1_700_000_000)).toEqual({
      username: '1700000000:c-3f9a',
      credential: '/+y+MibiQeMB1EeuGzQU6jWGyg8=',
    });
    expect(
      turnCredential('north-wind-7', 'o-00000000-0000-4000-8000-000000000001', 1_893_456_000).credential,
    ).toBe('1DykYKAiY2ZbJI416YFn1G0EqYU=');
  });

  it('gives a different credential for another secret, id or expiry', () => {
    const base = turnCredential('north-wind-7', 'c-3f9a', 1_700_000_000).credential;
    expect(turnCredential('south-wind-7', 'c-3f9a', 1_700_000_000).credential).not.toBe(base);
    expect(turnCredential('north-wind-7', 'c-3f9b', 1_700_000_000).credential).not.toBe(base);
    expect(turnCredential('north-wind-7', 'c-3f9a', 1_700_000_001).credential).not.toBe(base);
  });

  it('refuses ids that could carry a phone number or break the username, and bad expiries', () => {
    expect(() => turnCredential('s', '+447700900123', 1)).toThrow(/credential id/);
    expect(() => turnCredential('s', 'a:b', 1)).toThrow(/credential id/);
    expect(() => turnCredential('s', '', 1)).toThrow(/credential id/);
    expect(() => turnCredential('s', 'c-1', 0)).toThrow(/expiry/);
    expect(() => turnCredential('s', 'c-1', 1.5)).toThrow(/expiry/);
  });
});
