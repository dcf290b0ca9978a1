import type { LocationFix } from '@sightline/protocol';

/** A browser position as the protocol's fix (NaN heading and speed, as a stationary phone gives, become null). */
export function toFix(p: GeolocationPosition): LocationFix {
  const c = p.coords;
  const num = (v: number | null) => (v === null || Number.isNaN(v) ? null : v);
  return {
    lat: c.latitude,
    lon: c.longitude,
    accuracy: Math.max(0, c.accuracy),
    altitude: num(c.altitude),
    altitudeAccuracy: num(c.altitudeAccuracy),
    heading: num(c.heading),
    speed: num(c.speed),
    fixTime: Math.trunc(p.timestamp),
  };
}

/** Words for a geolocation failure, telling the officer what to do about it. */
export function geoErrorText(code: number): string {
  if (code === 1)
    return 'Location is blocked for this site. Allow location in the browser’s site settings to see the distance and share your position.';
  if (code === 3) return 'Still waiting for a position from this phone.';
  return 'This phone cannot find its position right now.';
}

/** Follows the phone's own position (high accuracy) until the returned function is called. */
export function watchOwnPosition(
  onFix: (fix: LocationFix) => void,
  onError: (message: string) => void,
  geo: Geolocation | undefined = globalThis.navigator?.geolocation,
): () => void {
  if (!geo) {
    onError('This browser cannot report its position.');
    return () => {};
  }
  const id = geo.watchPosition(
    (p) => onFix(toFix(p)),
    (e) => onError(geoErrorText(e.code)),
    { enableHighAccuracy: true, maximumAge: 5_000, timeout: 30_000 },
  );
  return () => geo.clearWatch(id);
}
