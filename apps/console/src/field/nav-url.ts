/** Which maps app a phone will open for turn-by-turn directions. */
export type MapsApp = 'android' | 'apple' | 'google';

/** Android (any browser), iPhone/iPad/iPod, or anything else (desktop, unknown). */
export function mapsAppFor(userAgent: string): MapsApp {
  if (/\bAndroid\b/i.test(userAgent)) return 'android';
  if (/\b(iPhone|iPad|iPod)\b/.test(userAgent)) return 'apple';
  return 'google';
}

const coord = (n: number) => n.toFixed(6);

/**
 * The link that opens directions to `to` in the phone's own maps app: a `geo:` URI on Android
 * (the system offers Google Maps, Waze or whatever the force installs), Apple Maps driving
 * directions on iOS, and Google Maps directions in any other browser.
 */
export function navigationUrl(to: { lat: number; lon: number }, userAgent: string, label = 'Caller'): string {
  const ll = `${coord(to.lat)},${coord(to.lon)}`;
  switch (mapsAppFor(userAgent)) {
    case 'android':
      return `geo:${ll}?q=${ll}(${encodeURIComponent(label)})`;
    case 'apple':
      return `https://maps.apple.com/?daddr=${ll}&dirflg=d`;
    case 'google':
      return `https://www.google.com/maps/dir/?api=1&destination=${ll}&travelmode=driving`;
  }
}

/** The button's words for the app it opens. */
export function navigationLabel(app: MapsApp): string {
  return app === 'apple'
    ? 'Directions in Apple Maps'
    : app === 'android'
      ? 'Directions in Maps'
      : 'Directions in Google Maps';
}
