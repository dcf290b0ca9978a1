/** Which maps app a phone will open for turn-by-turn directions. */
export type MapsApp = 'apple' | 'google';

/** What the browser says about the device: its user agent and how many touch points it has. */
export interface Device {
  userAgent: string;
  maxTouchPoints: number;
}

/** This browser's device (an empty one outside a browser). */
export function thisDevice(): Device {
  const nav = globalThis.navigator;
  return { userAgent: nav?.userAgent ?? '', maxTouchPoints: nav?.maxTouchPoints ?? 0 };
}

/**
 * iPhone, iPod, or iPad, including iPadOS 13+, whose Safari asks for desktop sites and says
 * "Macintosh": no Mac has a touch screen, so "Macintosh" with more than one touch point is an iPad.
 */
export function isAppleMobile({ userAgent, maxTouchPoints }: Device): boolean {
  if (/\b(iPhone|iPad|iPod)\b/.test(userAgent)) return true;
  return /\bMacintosh\b/.test(userAgent) && maxTouchPoints > 1;
}

/** Apple Maps on iPhones and iPads; Google Maps on Android and anything else. */
export function mapsAppFor(device: Device): MapsApp {
  return isAppleMobile(device) ? 'apple' : 'google';
}

const coord = (n: number) => n.toFixed(6);

/**
 * The link that starts driving directions to `to`: Apple Maps on iOS and iPadOS, and Google
 * Maps' documented cross-platform URL elsewhere, which the Google Maps app opens on Android
 * straight into navigation (`dir_action=navigate`); a `geo:` URI would only drop a pin.
 */
export function navigationUrl(to: { lat: number; lon: number }, app: MapsApp): string {
  const ll = `${coord(to.lat)},${coord(to.lon)}`;
  if (app === 'apple') return `https://maps.apple.com/?daddr=${ll}&dirflg=d`;
  return `https://www.google.com/maps/dir/?api=1&destination=${ll}&travelmode=driving&dir_action=navigate`;
}

/** The button's words for the app it opens. */
export function navigationLabel(app: MapsApp): string {
  return app === 'apple' ? 'Directions in Apple Maps' : 'Directions in Google Maps';
}
