import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from './webhook-receiver.js';

const body = '{"id":"e1","type":"session.opened"}';
const sign = (secret: string, t: number, raw = body) =>
  `v1=${createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex')}`;
const NOW = 1_796_000_000;

describe('verifying a Sightline webhook (docs/webhooks.md)', () => {
  it('accepts the body signed with the secret within the replay window, either v1 during a rotation', () => {
    expect(verifyWebhook(`t=${NOW},${sign('whsec_a', NOW)}`, body, ['whsec_a'], NOW + 300)).toEqual({
      ok: true,
    });
    const rotating = `t=${NOW},${sign('whsec_old', NOW)},${sign('whsec_new', NOW)}`;
    expect(verifyWebhook(rotating, body, ['whsec_new'], NOW)).toEqual({ ok: true });
  });

  it('refuses a changed body, another secret, a stale or future timestamp, and a missing header', () => {
    const header = `t=${NOW},${sign('whsec_a', NOW)}`;
    expect(verifyWebhook(header, body.replace('e1', 'e2'), ['whsec_a'], NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook(header, body, ['whsec_b'], NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook(header, body, ['whsec_a'], NOW + 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhook(header, body, ['whsec_a'], NOW - 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhook(undefined, body, ['whsec_a'], NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhook(`t=${NOW}`, body, ['whsec_a'], NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});
