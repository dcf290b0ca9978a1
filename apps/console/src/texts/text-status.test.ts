import { describe, expect, it } from 'vitest';
import { summary, textDelivery as text } from '../testing/fixtures.js';
import { canResend, needsAttention, textDetail, textLabel, textVersion } from './text-status.js';

describe('text status in words', () => {
  it('names the state and the route, and a failure’s reason', () => {
    expect(textLabel(text({ status: 'delivered' }))).toBe('Text delivered');
    expect(textDetail(text({ status: 'delivered' }))).toBe('Text by GOV.UK Notify: delivered to the phone.');
    const failed = text({
      status: 'failed',
      gateway: 'twilio',
      attempt: 2,
      reason: 'the number does not exist',
    });
    expect(textLabel(failed)).toBe('Text failed');
    expect(textDetail(failed)).toBe('Text 2 by Twilio failed: the number does not exist.');
    expect(needsAttention(failed)).toBe(true);
    expect(needsAttention(text({ status: 'sent' }))).toBe(false);
  });

  it('says an unanswered send may still arrive, so the handler does not resend blindly', () => {
    const t = text({ status: 'failed', uncertain: true, gateway: 'smpp', reason: 'no answer' });
    expect(textLabel(t)).toBe('Text not confirmed');
    expect(textDetail(t)).toMatch(/may still arrive; send again only if the caller has nothing/);
  });

  it('offers a resend only while the link is unopened and unexpired', () => {
    expect(canResend(summary('s', 0, { state: 'sent', expiresAt: 2000 }), 1000)).toBe(true);
    expect(canResend(summary('s', 0, { state: 'sent', expiresAt: 1000 }), 1000)).toBe(false);
    expect(canResend(summary('s', 0, { state: 'opened', expiresAt: 2000 }), 1000)).toBe(false);
  });

  it('changes version when the newest text or its state changes', () => {
    expect(textVersion(null)).toBe('');
    expect(textVersion(text())).not.toBe(textVersion(text({ status: 'sent', updatedAt: 2000 })));
  });
});
