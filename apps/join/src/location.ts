import type { LocationFix } from '@sightline/protocol';

/** Phones report about once a second; sending faster adds nothing but battery drain. */
const MIN_INTERVAL_MS = 900;

const finiteOrNull = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/** Wraps watchPosition: high accuracy, throttled, with the device's own fix time. */
export function watchLocation(
  onFix: (fix: LocationFix) => void,
  onError: (kind: 'denied' | 'unavailable') => void,
): () => void {
  if (!('geolocation' in navigator)) {
    onError('unavailable');
    return () => {};
  }
  let last = 0;
  const id = navigator.geolocation.watchPosition(
    (p) => {
      if (p.timestamp - last < MIN_INTERVAL_MS) return;
      last = p.timestamp;
      const c = p.coords;
      onFix({
        lat: c.latitude,
        lon: c.longitude,
        accuracy: c.accuracy,
        altitude: finiteOrNull(c.altitude),
        altitudeAccuracy: finiteOrNull(c.altitudeAccuracy),
        heading: finiteOrNull(c.heading),
        speed: finiteOrNull(c.speed),
        fixTime: Math.round(p.timestamp),
      });
    },
    (err) => onError(err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable'),
    { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 },
  );
  return () => navigator.geolocation.clearWatch(id);
}
