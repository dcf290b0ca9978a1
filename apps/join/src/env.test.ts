import { describe, expect, it } from 'vitest';
import { detectEnvironment } from './env.js';

describe('detectEnvironment', () => {
  it('spots in-app browsers that block the camera', () => {
    expect(
      detectEnvironment(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 [FBAN/FBIOS;FBAV/440.0]',
      ).inAppBrowser,
    ).toBe('Facebook');
    expect(
      detectEnvironment(
        'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36 Instagram 310.0',
      ).inAppBrowser,
    ).toBe('Instagram');
    expect(
      detectEnvironment(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36',
      ).inAppBrowser,
    ).toBeNull();
  });

  it('tells iPhone from Android', () => {
    expect(detectEnvironment('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)').platform).toBe('ios');
    expect(detectEnvironment('Mozilla/5.0 (Linux; Android 14; Pixel 8)').platform).toBe('android');
  });
});
