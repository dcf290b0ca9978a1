import type { LocationFix } from '@sightline/protocol';

const finiteOrNull = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/** Metres between two fixes (equirectangular: plenty for "has the phone moved?"). */
function metres(a: LocationFix, b: LocationFix): number {
  const k = 111_320;
  const dx = (a.lon - b.lon) * k * Math.cos((a.lat * Math.PI) / 180);
  const dy = (a.lat - b.lat) * k;
  return Math.hypot(dx, dy);
}

/**
 * How long to wait for the browser's first answer (a fix or an error). WebKitGTK with no
 * location service (no GeoClue) never answers at all, not even the watch's own timeout, which
 * only starts once permission is settled: without this the caller would wait for ever.
 */
export const FIRST_ANSWER_MS = 20_000;

export interface WatchOptions {
  /** Location-only links run for a long time: spend less battery when still or low on charge. */
  batteryAware: boolean;
  /**
   * Say "unavailable" when the browser gives no answer at all (default true). False when the
   * watch is restarted (back from the background, back online) or a fix came within the last
   * minute: a slow GPS warm-up then is no reason to tell the caller location failed.
   */
  expectAnswer?: boolean;
}

/**
 * Calls `arm` once no permission prompt is open: the caller may take longer than
 * FIRST_ANSWER_MS to decide, and no answer is due before. Any settled state counts ('denied'
 * too: WebKitGTK reports that while its location service simply never answers). Where the
 * Permissions API is missing or fails, at once, as before.
 */
function whenPermissionSettled(arm: () => void): void {
  const permissions = (navigator as Partial<Navigator>).permissions;
  if (!permissions?.query) {
    arm();
    return;
  }
  permissions.query({ name: 'geolocation' }).then((status) => {
    if (status.state !== 'prompt') arm();
    else
      status.addEventListener('change', () => {
        if (status.state !== 'prompt') arm();
      });
  }, arm);
}

/**
 * Wraps watchPosition: high accuracy, throttled, with the device's own fix time.
 * When battery-aware, sends a fix every 2 s while moving, every 10 s while still,
 * and every 15 s (with lower accuracy) when the battery is low and not charging.
 */
export function watchLocation(
  onFix: (fix: LocationFix) => void,
  onError: (kind: 'denied' | 'unavailable') => void,
  options: WatchOptions = { batteryAware: false },
): () => void {
  if (!('geolocation' in navigator)) {
    onError('unavailable');
    return () => {};
  }
  let last: LocationFix | null = null;
  let interval = options.batteryAware ? 2_000 : 900;
  let watchId: number | null = null;
  let lowBattery = false;
  let answered = false;
  // Set once stopped: a battery event after that must not start a watch nobody can clear
  // (the tracker restarts the watch after every return from the background).
  let stopped = false;
  let noAnswer: ReturnType<typeof setTimeout> | null = null;
  if (options.expectAnswer !== false)
    whenPermissionSettled(() => {
      if (stopped || answered || noAnswer) return;
      noAnswer = setTimeout(() => {
        if (!answered && !stopped) onError('unavailable');
      }, FIRST_ANSWER_MS);
    });

  const start = () => {
    if (stopped) return;
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = navigator.geolocation.watchPosition(
      (p) => {
        answered = true;
        const c = p.coords;
        const fix: LocationFix = {
          lat: c.latitude,
          lon: c.longitude,
          accuracy: c.accuracy,
          altitude: finiteOrNull(c.altitude),
          altitudeAccuracy: finiteOrNull(c.altitudeAccuracy),
          heading: finiteOrNull(c.heading),
          speed: finiteOrNull(c.speed),
          fixTime: Math.round(p.timestamp),
        };
        if (last && fix.fixTime - last.fixTime < interval) return;
        if (options.batteryAware && !lowBattery)
          interval = last && metres(fix, last) < Math.max(10, fix.accuracy) ? 10_000 : 2_000;
        last = fix;
        onFix(fix);
      },
      (err) => {
        answered = true;
        onError(err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable');
      },
      { enableHighAccuracy: !lowBattery, maximumAge: lowBattery ? 10_000 : 0, timeout: 30_000 },
    );
  };
  start();

  if (options.batteryAware) {
    const nav = navigator as Navigator & {
      getBattery?: () => Promise<{
        level: number;
        charging: boolean;
        addEventListener(t: string, l: () => void): void;
      }>;
    };
    void nav.getBattery?.().then((battery) => {
      const check = () => {
        if (stopped) return;
        const low = battery.level < 0.2 && !battery.charging;
        if (low === lowBattery) return;
        lowBattery = low;
        interval = low ? 15_000 : 2_000;
        start();
      };
      battery.addEventListener('levelchange', check);
      battery.addEventListener('chargingchange', check);
      check();
    });
  }
  return () => {
    if (noAnswer) clearTimeout(noAnswer);
    stopped = true;
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  };
}
