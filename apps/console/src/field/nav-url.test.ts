import { describe, expect, it } from 'vitest';
import { mapsAppFor, navigationLabel, navigationUrl } from './nav-url.js';

const PIXEL =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const IPAD_OLD =
  'Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1';
/** iPadOS 13+ Safari asks for the desktop site: it says Macintosh. */
const MAC_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const DESKTOP =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const TRAFALGAR = { lat: 51.508039, lon: -0.128069 };
const phone = (userAgent: string, maxTouchPoints = 5) => ({ userAgent, maxTouchPoints });

describe('navigation link for the phone', () => {
  it('starts Google Maps turn-by-turn on Android (a geo: URI would only drop a pin)', () => {
    expect(mapsAppFor(phone(PIXEL))).toBe('google');
    expect(navigationUrl(TRAFALGAR, 'google')).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=51.508039,-0.128069&travelmode=driving&dir_action=navigate',
    );
    expect(navigationLabel('google')).toBe('Directions in Google Maps');
  });

  it('opens Apple Maps driving directions on an iPhone and an iPad, including one that says Macintosh', () => {
    expect(mapsAppFor(phone(IPHONE))).toBe('apple');
    expect(mapsAppFor(phone(IPAD_OLD))).toBe('apple');
    expect(mapsAppFor(phone(MAC_UA, 5))).toBe('apple');
    expect(navigationUrl(TRAFALGAR, 'apple')).toBe(
      'https://maps.apple.com/?daddr=51.508039,-0.128069&dirflg=d',
    );
  });

  it('treats a Mac without touch, a desktop and an unknown browser as Google Maps', () => {
    expect(mapsAppFor(phone(MAC_UA, 0))).toBe('google');
    expect(mapsAppFor(phone(DESKTOP, 0))).toBe('google');
    expect(mapsAppFor(phone('', 0))).toBe('google');
  });

  it('rounds to six decimals (about 10 cm)', () => {
    expect(navigationUrl({ lat: 51.50803912345, lon: -0.1 }, 'apple')).toBe(
      'https://maps.apple.com/?daddr=51.508039,-0.100000&dirflg=d',
    );
  });
});
