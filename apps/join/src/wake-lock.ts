/** The part of the Screen Wake Lock API used here (not in every TypeScript DOM library yet). */
interface WakeLockSentinelLike {
  released: boolean;
  release(): Promise<void>;
}
type WakeLockNavigator = Navigator & {
  wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> };
};

/**
 * Keeps the screen on while a location-only link shares, where the browser allows it: a
 * phone whose screen locks stops the page, and with it the location. The browser drops the
 * lock whenever the page is hidden, so it is asked for again each time the page is visible.
 * Without the API, or when refused (low battery mode), nothing happens and nothing is shown.
 * Returns the function that lets the screen sleep again.
 */
export function keepScreenOn(): () => void {
  const api = (navigator as WakeLockNavigator).wakeLock;
  if (!api) return () => {};
  let sentinel: WakeLockSentinelLike | null = null;
  let on = true;
  // One request at a time: two visibility changes while one is pending would otherwise
  // take two locks, and only the last would ever be released (the screen would never sleep).
  let pending = false;
  const acquire = () => {
    if (!on || pending || document.visibilityState !== 'visible' || (sentinel && !sentinel.released)) return;
    pending = true;
    api.request('screen').then(
      (s) => {
        pending = false;
        if (on && !(sentinel && !sentinel.released)) sentinel = s;
        else void s.release().catch(() => {});
      },
      () => {
        pending = false; // refused (battery saver, no user activation): the page works without it
      },
    );
  };
  document.addEventListener('visibilitychange', acquire);
  acquire();
  return () => {
    on = false;
    document.removeEventListener('visibilitychange', acquire);
    void sentinel?.release().catch(() => {});
    sentinel = null;
  };
}
