import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW_SECONDS, signatureHeader, signPayload, verifySignature } from './webhook-signature.js';

const body = '{"id":"e1","type":"session.opened"}';
const now = 1_800_000_000;

describe('webhook signatures', () => {
  it('signs <timestamp>.<body> with HMAC-SHA256 (a known vector)', () => {
    // echo -n '1800000000.{"id":"e1","type":"session.opened"}' | openssl dgst -sha256 -hmac whsec_test
    expect(signPayload('whsec_test', now, body)).toBe(
      'bfdece094395c5a716709014df0dbe7264a0b9f2ba1db89ba56de1602a99bf02',
    );
    expect(signPayload('whsec_test', now, body)).not.toBe(signPayload('whsec_test', now + 1, body));
    expect(signPayload('whsec_test', now, body)).not.toBe(signPayload('whsec_other', now, body));
  });

  it('accepts a fresh signature under the receiver’s secret', () => {
    const header = signatureHeader(['whsec_a'], now, body);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, ['whsec_a'], now + 10)).toEqual({ ok: true });
  });

  it('refuses a changed body, another secret, or a missing header', () => {
    const header = signatureHeader(['whsec_a'], now, body);
    expect(verifySignature(header, `${body} `, ['whsec_a'], now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, body, ['whsec_b'], now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(undefined, body, ['whsec_a'], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature('v1=abc', body, ['whsec_a'], now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a replay outside the window, even with a valid signature', () => {
    const header = signatureHeader(['whsec_a'], now, body);
    expect(verifySignature(header, body, ['whsec_a'], now + REPLAY_WINDOW_SECONDS).ok).toBe(true);
    expect(verifySignature(header, body, ['whsec_a'], now + REPLAY_WINDOW_SECONDS + 1)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifySignature(header, body, ['whsec_a'], now - REPLAY_WINDOW_SECONDS - 1).ok).toBe(false);
  });

  it('during a rotation signs with both secrets, so a receiver holding either accepts', () => {
    const header = signatureHeader(['whsec_new', 'whsec_old'], now, body);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifySignature(header, body, ['whsec_old'], now).ok).toBe(true);
    expect(verifySignature(header, body, ['whsec_new'], now).ok).toBe(true);
    expect(verifySignature(header, body, ['whsec_neither'], now).ok).toBe(false);
  });
});
