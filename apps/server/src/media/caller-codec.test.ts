import { describe, expect, it } from 'vitest';
import { callerVideoCodec } from './caller-codec.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
const IPAD_AS_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const PIXEL = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36';

describe("the caller's video codec", () => {
  it('asks an iPad that says Macintosh for H264, as an iPhone, when its page says it is iOS', () => {
    expect(callerVideoCodec(IPAD_AS_MAC, 'ios')).toBe('h264');
    expect(callerVideoCodec(IPHONE, 'ios')).toBe('h264');
  });

  it('leaves a Mac and an Android phone on the default (VP8 with simulcast)', () => {
    expect(callerVideoCodec(IPAD_AS_MAC, 'other')).toBeUndefined();
    expect(callerVideoCodec(PIXEL, 'android')).toBeUndefined();
  });

  it('falls back to the user agent for a page that sends no platform', () => {
    expect(callerVideoCodec(IPHONE, undefined)).toBe('h264');
    expect(callerVideoCodec(PIXEL, undefined)).toBeUndefined();
  });
});
