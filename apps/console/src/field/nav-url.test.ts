import { describe, expect, it } from 'vitest';
import { mapsAppFor, navigationUrl } from './nav-url.js';

const PIXEL =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const IPAD =
  'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1';
const DESKTOP =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const TRAFALGAR = { lat: 51.508039, lon: -0.128069 };

describe('navigation link for the phone', () => {
  it('opens a geo: URI on Android, with the caller named in it', () => {
    expect(mapsAppFor(PIXEL)).toBe('android');
    expect(navigationUrl(TRAFALGAR, PIXEL)).toBe('geo:51.508039,-0.128069?q=51.508039,-0.128069(Caller)');
  });

  it('opens Apple Maps driving directions on an iPhone and an iPad', () => {
    expect(navigationUrl(TRAFALGAR, IPHONE)).toBe(
      'https://maps.apple.com/?daddr=51.508039,-0.128069&dirflg=d',
    );
    expect(mapsAppFor(IPAD)).toBe('apple');
  });

  it('opens Google Maps directions anywhere else', () => {
    expect(navigationUrl(TRAFALGAR, DESKTOP)).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=51.508039,-0.128069&travelmode=driving',
    );
    expect(mapsAppFor('')).toBe('google');
  });

  it('rounds to six decimals (about 10 cm) and escapes the label', () => {
    expect(navigationUrl({ lat: 51.50803912345, lon: -0.1 }, PIXEL, 'Caller & car')).toBe(
      'geo:51.508039,-0.100000?q=51.508039,-0.100000(Caller%20%26%20car)',
    );
  });
});
