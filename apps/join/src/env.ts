import type { InAppBrowser } from '@sightline/protocol';

/** Facts about the phone and browser the page adapts to. */
export interface Environment {
  platform: 'ios' | 'android' | 'other';
  /** Set when the page is inside an app's built-in browser that blocks the camera. */
  inAppBrowser: InAppBrowser | null;
  webrtc: boolean;
  geolocation: boolean;
}

const IN_APP: Array<[RegExp, InAppBrowser]> = [
  [/FBAN|FBAV|FB_IAB/, 'Facebook'],
  [/Instagram/, 'Instagram'],
  [/Line\//, 'LINE'],
  [/Snapchat/, 'Snapchat'],
  [/musical_ly|BytedanceWebview|TikTok/, 'TikTok'],
  [/LinkedInApp/, 'LinkedIn'],
  [/MicroMessenger/, 'WeChat'],
  [/Twitter/, 'X'],
];

/**
 * iPhone, iPod or iPad. iPadOS 13+ Safari asks for desktop sites and says "Macintosh"; no Mac
 * has a touch screen, so "Macintosh" with more than one touch point is an iPad.
 */
export function platformOf(ua: string, maxTouchPoints: number): Environment['platform'] {
  if (/iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && maxTouchPoints > 1)) return 'ios';
  return /Android/.test(ua) ? 'android' : 'other';
}

export function detectEnvironment(
  ua = typeof navigator === 'undefined' ? '' : navigator.userAgent,
  maxTouchPoints = typeof navigator === 'undefined' ? 0 : (navigator.maxTouchPoints ?? 0),
): Environment {
  const platform = platformOf(ua, maxTouchPoints);
  return {
    platform,
    inAppBrowser: IN_APP.find(([re]) => re.test(ua))?.[1] ?? null,
    webrtc:
      typeof RTCPeerConnection === 'function' &&
      typeof navigator !== 'undefined' &&
      !!navigator.mediaDevices?.getUserMedia,
    geolocation: typeof navigator !== 'undefined' && 'geolocation' in navigator,
  };
}
