import type { CallerToServer, LocationFix } from '@sightline/protocol';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FixStore } from './fix-store.js';
import { FIRST_ANSWER_MS } from './location.js';
import { LocationTracker } from './location-tracker.js';
import type { Signalling } from './signalling.js';
import type { TrackingStatus } from './tracking-monitor.js';

// The tracker with a fake phone: a geolocation the test drives, IndexedDB in memory
// (fake-indexeddb), a socket that records what went out, and fake timers and visibility.

type Ok = (p: GeolocationPosition) => void;
let emit: Ok | null = null;
let sent: CallerToServer[] = [];
let online = true;
const doc = { visibilityState: 'visible' as DocumentVisibilityState };
const signalling = {
  send: (msg: CallerToServer, whenDown: 'queue' | 'drop' = 'queue') => {
    if (!online && whenDown === 'drop') return false;
    sent.push(msg);
    return true;
  },
} as unknown as Signalling;

const position = (fixTime: number) =>
  ({
    timestamp: fixTime,
    coords: {
      latitude: 51.5,
      longitude: -0.12 + fixTime * 1e-9,
      accuracy: 9,
      altitude: null,
      heading: null,
      speed: null,
    },
  }) as unknown as GeolocationPosition;
/** IndexedDB answers on real macrotasks, which fake timers leave alone. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};
const fixesSent = () => sent.flatMap((m) => (m.type === 'location.fix' ? [m.fix.fixTime] : []));

let statuses: TrackingStatus[] = [];
let errors: string[] = [];
function tracker(token = 'tok') {
  return new LocationTracker(
    token,
    () => signalling,
    (s) => statuses.push(s),
  );
}
const callbacks = { onFix: () => {}, onError: (k: string) => errors.push(k) };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  emit = null;
  sent = [];
  online = true;
  statuses = [];
  errors = [];
  doc.visibilityState = 'visible';
  vi.stubGlobal('indexedDB', new IDBFactory());
  vi.stubGlobal('IDBKeyRange', IDBKeyRange);
  vi.stubGlobal('navigator', {
    geolocation: {
      watchPosition: (ok: Ok) => {
        emit = ok;
        return 1;
      },
      clearWatch: () => {},
    },
  });
  vi.stubGlobal('document', {
    get visibilityState() {
      return doc.visibilityState;
    },
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('LocationTracker before sharing starts', () => {
  it('does not count time hidden on the consent screen as tracking stopped in the background', async () => {
    const t = tracker();
    await vi.advanceTimersByTimeAsync(30_000);
    doc.visibilityState = 'hidden';
    t.hidden();
    await vi.advanceTimersByTimeAsync(90_000);
    doc.visibilityState = 'visible';
    t.resume();
    await vi.advanceTimersByTimeAsync(30_000);
    t.start(false, callbacks); // consent at 150 s
    await vi.advanceTimersByTimeAsync(10_000);
    expect(statuses).toEqual([]);
    expect(sent.filter((m) => m.type === 'location.status')).toEqual([]);
    t.stop();
  });

  it('does not count six minutes reading the consent screen as a gap in fixes', async () => {
    const t = tracker();
    await vi.advanceTimersByTimeAsync(6 * 60_000);
    t.start(false, callbacks);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(statuses).toEqual([]);
    t.stop();
  });
});

describe('LocationTracker sending fixes', () => {
  it('sends a fix the socket could not take from the device copy once, when the connection is back', async () => {
    const t = tracker();
    t.openDeviceCopy();
    await settle();
    t.link(true);
    t.start(false, callbacks);
    online = false;
    t.link(false);
    emit?.(position(Date.now()));
    await settle();
    expect(fixesSent()).toEqual([]); // not queued in the socket as well
    online = true;
    t.link(true);
    await settle();
    expect(fixesSent()).toHaveLength(1);
    t.stop();
  });

  it('sends an unconfirmed fix again only after waiting for its acknowledgement, and never a confirmed one', async () => {
    const t = tracker();
    t.link(true);
    t.start(false, callbacks);
    await settle();
    const first = Date.now();
    emit?.(position(first));
    emit?.(position(first + 1_000));
    await settle();
    t.stored(first + 1_000);
    await settle();
    expect(fixesSent()).toEqual([first, first + 1_000]);
    await vi.advanceTimersByTimeAsync(10_000); // one tick: still awaiting the acknowledgement
    await settle();
    expect(fixesSent()).toEqual([first, first + 1_000]);
    await vi.advanceTimersByTimeAsync(10_000); // past 15 s: the unconfirmed one goes again
    await settle();
    expect(fixesSent()).toEqual([first, first + 1_000, first]);
    t.stop();
  });

  it('sends a fix that went on a connection which then died again as soon as a new one is up', async () => {
    const t = tracker();
    t.link(true);
    t.start(false, callbacks);
    await settle();
    // The phone changed network: the old socket still looked open and took the fix, then died.
    const moved = Date.now();
    emit?.(position(moved));
    await settle();
    expect(fixesSent()).toEqual([moved]);
    t.link(false);
    await vi.advanceTimersByTimeAsync(2_000);
    t.link(true);
    await settle();
    expect(fixesSent()).toEqual([moved, moved]); // at once, not 15 s after it first went
    // Confirmed on the new connection: never sent a third time.
    t.stored(moved);
    await settle();
    await vi.advanceTimersByTimeAsync(30_000);
    await settle();
    expect(fixesSent()).toEqual([moved, moved]);
    t.stop();
  });

  it('leaves nothing of the link on the phone after purge, and keeps other links apart', async () => {
    const t = tracker('a');
    t.link(true);
    t.start(false, callbacks);
    await settle();
    emit?.(position(Date.now()));
    await settle();
    t.stop();
    const other = await FixStore.open('b');
    await other?.add({ ...fixOf(5), fixTime: 5 });
    await t.purge();
    expect(await (await FixStore.open('a'))?.unconfirmed()).toEqual([]);
    expect(await other?.unconfirmed()).toHaveLength(1);
  });

  it('does not tell the caller location failed when a restarted watch is slow to answer', async () => {
    const t = tracker();
    t.start(false, callbacks);
    emit?.(position(Date.now()));
    doc.visibilityState = 'hidden';
    t.hidden();
    await vi.advanceTimersByTimeAsync(30_000);
    doc.visibilityState = 'visible';
    t.resume(); // the watch starts afresh; GPS warms up slowly indoors
    await vi.advanceTimersByTimeAsync(FIRST_ANSWER_MS * 2);
    expect(errors).toEqual([]);
    t.stop();
  });
});

function fixOf(fixTime: number): LocationFix {
  return {
    lat: 51.5,
    lon: -0.12,
    accuracy: 9,
    altitude: null,
    altitudeAccuracy: null,
    heading: null,
    speed: null,
    fixTime,
  };
}
