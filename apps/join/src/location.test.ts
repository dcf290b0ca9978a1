import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIRST_ANSWER_MS, watchLocation } from './location.js';

// A browser whose location service never answers (WebKitGTK without GeoClue: no fix, no
// error, not even the watch's timeout) must not leave the caller waiting for ever.

type Success = (p: GeolocationPosition) => void;
let success: Success | null = null;
const clearWatch = vi.fn();

beforeEach(() => {
  vi.useFakeTimers();
  success = null;
  vi.stubGlobal('navigator', {
    geolocation: {
      watchPosition: (ok: Success) => {
        success = ok;
        return 1;
      },
      clearWatch,
    },
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const position = (timestamp: number) =>
  ({
    timestamp,
    coords: { latitude: 51.5, longitude: -0.12, accuracy: 9, altitude: null, heading: null, speed: null },
  }) as unknown as GeolocationPosition;

describe('watchLocation', () => {
  it('says location is unavailable when the browser never answers', () => {
    const onError = vi.fn();
    watchLocation(vi.fn(), onError);
    vi.advanceTimersByTime(FIRST_ANSWER_MS - 1);
    expect(onError).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onError).toHaveBeenCalledExactlyOnceWith('unavailable');
  });

  it('says nothing once a fix has come, and a stopped watch stays quiet', () => {
    const onError = vi.fn();
    const onFix = vi.fn();
    watchLocation(onFix, onError);
    success?.(position(1_000));
    vi.advanceTimersByTime(FIRST_ANSWER_MS * 2);
    expect(onFix).toHaveBeenCalledOnce();
    expect(onError).not.toHaveBeenCalled();

    const quiet = vi.fn();
    const stop = watchLocation(vi.fn(), quiet);
    stop();
    vi.advanceTimersByTime(FIRST_ANSWER_MS * 2);
    expect(quiet).not.toHaveBeenCalled();
    expect(clearWatch).toHaveBeenCalled();
  });
});

describe('watchLocation while the permission prompt is open', () => {
  /** A Permissions API whose geolocation state the test sets, telling listeners as browsers do. */
  function permissionState(state: PermissionState) {
    const listeners: (() => void)[] = [];
    const status = {
      state,
      addEventListener: (_: 'change', l: () => void) => listeners.push(l),
    };
    (navigator as { permissions?: unknown }).permissions = { query: async () => status };
    return (next: PermissionState) => {
      status.state = next;
      for (const l of listeners) l();
    };
  }

  it('waits for the caller to answer the prompt before the no-answer clock starts', async () => {
    const set = permissionState('prompt');
    const onError = vi.fn();
    watchLocation(vi.fn(), onError);
    await vi.advanceTimersByTimeAsync(FIRST_ANSWER_MS * 3); // the caller reads the prompt for a minute
    expect(onError).not.toHaveBeenCalled();
    set('granted');
    await vi.advanceTimersByTimeAsync(FIRST_ANSWER_MS - 1);
    expect(onError).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(onError).toHaveBeenCalledExactlyOnceWith('unavailable');
  });

  it('still ends in "unavailable" where the browser reports denied but never answers (WebKitGTK)', async () => {
    permissionState('denied');
    const onError = vi.fn();
    watchLocation(vi.fn(), onError);
    await vi.advanceTimersByTimeAsync(FIRST_ANSWER_MS);
    expect(onError).toHaveBeenCalledExactlyOnceWith('unavailable');
  });

  it('says nothing for a slow first fix when the watch is only restarted', async () => {
    permissionState('granted');
    const onError = vi.fn();
    watchLocation(vi.fn(), onError, { batteryAware: true, expectAnswer: false });
    await vi.advanceTimersByTimeAsync(FIRST_ANSWER_MS * 3);
    expect(onError).not.toHaveBeenCalled();
  });
});
