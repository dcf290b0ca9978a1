import { describe, expect, it } from 'vitest';
import { CallerEnvironmentReport } from './take-up.js';

describe('CallerEnvironmentReport', () => {
  const token = 'a'.repeat(32);
  it('takes a known app or none, and refuses free text bound for the evidential timeline', () => {
    expect(
      CallerEnvironmentReport.safeParse({ token, inAppBrowser: 'Instagram', webrtc: true }).success,
    ).toBe(true);
    expect(CallerEnvironmentReport.safeParse({ token, inAppBrowser: null, webrtc: false }).success).toBe(
      true,
    );
    expect(
      CallerEnvironmentReport.safeParse({ token, inAppBrowser: 'Call 0800 FAKE now', webrtc: true }).success,
    ).toBe(false);
  });
});
