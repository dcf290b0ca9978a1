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

  it('takes an iPad that asks for the desktop site ("Macintosh" with touch) for iOS, and a Mac for a Mac', () => {
    const MAC =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
    expect(detectEnvironment(MAC, 5).platform).toBe('ios');
    expect(detectEnvironment(MAC, 0).platform).toBe('other');
    expect(detectEnvironment('Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X)', 5).platform).toBe('ios');
  });
});
