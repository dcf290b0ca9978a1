/** Facts about the phone and browser the page adapts to. */
export interface Environment {
  platform: 'ios' | 'android' | 'other';
  /** Set when the page is inside an app's built-in browser that blocks the camera. */
  inAppBrowser: string | null;
  webrtc: boolean;
  geolocation: boolean;
}

const IN_APP: Array<[RegExp, string]> = [
  [/FBAN|FBAV|FB_IAB/, 'Facebook'],
  [/Instagram/, 'Instagram'],
  [/Line\//, 'LINE'],
  [/Snapchat/, 'Snapchat'],
  [/musical_ly|BytedanceWebview|TikTok/, 'TikTok'],
  [/LinkedInApp/, 'LinkedIn'],
  [/MicroMessenger/, 'WeChat'],
  [/Twitter/, 'X'],
];

export function detectEnvironment(
  ua = typeof navigator === 'undefined' ? '' : navigator.userAgent,
): Environment {
  const platform = /iPhone|iPad|iPod/.test(ua) ? 'ios' : /Android/.test(ua) ? 'android' : 'other';
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
