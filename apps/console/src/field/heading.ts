/**
 * Which way the phone points, so the arrow to the caller can point the way to go rather than
 * north-up. Pure maths here; `watchCompass` below is the only part that touches the browser.
 */

/** Slower than this (m/s, about 7 km/h) the GPS course is noise: a parked car "turns" at random. */
export const MIN_COURSE_SPEED = 2;

/** What a device orientation event tells us (the fields differ between iOS and the rest). */
export interface OrientationReading {
  /** iOS Safari: degrees clockwise from magnetic north, already for the device's top edge. */
  webkitCompassHeading?: number | null | undefined;
  /** Elsewhere: the z rotation, counter-clockwise; only meaningful when `absolute` (earth frame). */
  alpha: number | null;
  absolute: boolean;
}

const norm = (deg: number) => ((deg % 360) + 360) % 360;

/**
 * The compass heading of the top of the screen, in degrees clockwise from north, or null when
 * the reading is not earth-referenced. `screenAngle` is the screen's rotation (landscape: 90 or 270).
 */
export function compassHeading(r: OrientationReading, screenAngle = 0): number | null {
  if (typeof r.webkitCompassHeading === 'number' && Number.isFinite(r.webkitCompassHeading))
    return norm(r.webkitCompassHeading + screenAngle);
  if (!r.absolute || r.alpha === null || !Number.isFinite(r.alpha)) return null;
  return norm(360 - r.alpha + screenAngle);
}

/** The direction of travel from GPS, when moving fast enough for it to mean something. */
export function courseHeading(fix: { heading: number | null; speed: number | null } | null): number | null {
  if (!fix || fix.heading === null || fix.speed === null || fix.speed < MIN_COURSE_SPEED) return null;
  return norm(fix.heading);
}

/** Where the arrow points and what it is relative to. */
export interface ArrowView {
  /** CSS rotation of an up-pointing arrow, degrees clockwise. */
  rotation: number;
  /** 'compass': the phone's top; 'course': the direction of travel; 'north': north-up. */
  reference: 'compass' | 'course' | 'north';
}

/**
 * The arrow towards the caller, turned by the phone's heading so "up" is straight ahead: the
 * compass first, else the GPS course while moving, else north-up (and the page says "N up").
 */
export function arrowView(bearing: number, compass: number | null, course: number | null): ArrowView {
  if (compass !== null) return { rotation: norm(bearing - compass), reference: 'compass' };
  if (course !== null) return { rotation: norm(bearing - course), reference: 'course' };
  return { rotation: norm(bearing), reference: 'north' };
}

type CompassWindow = Pick<Window, 'addEventListener' | 'removeEventListener'> & {
  screen?: { orientation?: { angle: number } };
};

/**
 * Follows the phone's compass until the returned function is called: `deviceorientationabsolute`
 * where the browser has it (Chrome on Android), else `deviceorientation` (iOS gives
 * `webkitCompassHeading` on it). Reports null when the readings stop being earth-referenced.
 */
export function watchCompass(
  onHeading: (deg: number | null) => void,
  win: CompassWindow = window,
): () => void {
  const handle = (e: Event) => {
    const o = e as DeviceOrientationEvent & { webkitCompassHeading?: number };
    onHeading(
      compassHeading(
        { webkitCompassHeading: o.webkitCompassHeading, alpha: o.alpha, absolute: o.absolute },
        win.screen?.orientation?.angle ?? 0,
      ),
    );
  };
  const type = 'ondeviceorientationabsolute' in win ? 'deviceorientationabsolute' : 'deviceorientation';
  win.addEventListener(type, handle);
  return () => win.removeEventListener(type, handle);
}

/**
 * iOS 13+ gives the compass only after the officer allows it, from a tap. (Chromium has the
 * same method, but its absolute orientation needs no prompt: asking there is a needless button.)
 */
export function compassNeedsPermission(appleMobile: boolean): boolean {
  if (!appleMobile) return false;
  const ctor = globalThis.DeviceOrientationEvent as unknown as { requestPermission?: unknown } | undefined;
  return typeof ctor?.requestPermission === 'function';
}

/** Asks for the compass (call from a tap); true when allowed. */
export async function requestCompass(): Promise<boolean> {
  const ctor = globalThis.DeviceOrientationEvent as unknown as {
    requestPermission?: () => Promise<'granted' | 'denied'>;
  };
  try {
    return (await ctor.requestPermission?.()) === 'granted';
  } catch {
    return false;
  }
}
