import { describe, expect, it } from 'vitest';
import { event, evidenceItem, fix, recording } from '../testing/fixtures.js';
import {
  currentEventIndex,
  fixAt,
  formatMediaTime,
  locateMoment,
  mediaTimeAt,
  ownMedia,
  sortByFixTime,
  wallClockAt,
} from './playback.js';
import { PlaybackStore, playbackWallClock } from './playback-store.js';

const T0 = 1_700_000_000_000;

describe('media time and wall clock', () => {
  it('maps media time from the first video packet, not from when publishing started', () => {
    const rec = recording('r1', T0, { mediaStartedAt: T0 + 1800 });
    expect(wallClockAt(rec, 0)).toBe(T0 + 1800);
    expect(wallClockAt(rec, 12.5)).toBe(T0 + 14_300);
    expect(mediaTimeAt(rec, T0 + 14_300)).toBe(12.5);
  });

  it('falls back to the publish start for recordings made before media start was recorded', () => {
    const rec = recording('r1', T0, { mediaStartedAt: null });
    expect(wallClockAt(rec, 3)).toBe(T0 + 3000);
  });
});

describe('fixAt', () => {
  // Received out of fixTime order: the phone's queue flushed late.
  const track = sortByFixTime([
    fix(51.3, -0.3, T0 + 3100, { fixTime: T0 + 3000 }),
    fix(51.1, -0.1, T0 + 1100, { fixTime: T0 + 1000 }),
    fix(51.2, -0.2, T0 + 9000, { fixTime: T0 + 2000 }),
  ]);

  it('shows the last fix taken at or before the moment', () => {
    expect(fixAt(track, T0 + 1000)?.lat).toBe(51.1);
    expect(fixAt(track, T0 + 1999)?.lat).toBe(51.1);
    expect(fixAt(track, T0 + 2000)?.lat).toBe(51.2);
    expect(fixAt(track, T0 + 2500)?.lat).toBe(51.2);
    expect(fixAt(track, T0 + 60_000)?.lat).toBe(51.3);
  });

  it('shows nothing before the first fix or with no track', () => {
    expect(fixAt(track, T0 + 999)).toBeNull();
    expect(fixAt([], T0)).toBeNull();
  });

  it('follows a recording as it plays', () => {
    const rec = recording('r1', T0, { mediaStartedAt: T0 + 500 });
    expect(fixAt(track, wallClockAt(rec, 0))).toBeNull();
    expect(fixAt(track, wallClockAt(rec, 0.5))?.lat).toBe(51.1);
    expect(fixAt(track, wallClockAt(rec, 2.0))?.lat).toBe(51.2);
  });
});

describe('currentEventIndex', () => {
  it('highlights the last event at or before the moment', () => {
    const events = [event('a', 100, 'x'), event('b', 200, 'x'), event('c', 300, 'x')];
    expect(currentEventIndex(events, 50)).toBe(-1);
    expect(currentEventIndex(events, 200)).toBe(1);
    expect(currentEventIndex(events, 299)).toBe(1);
    expect(currentEventIndex(events, 1000)).toBe(2);
  });
});

describe('locateMoment', () => {
  const recs = [
    recording('r1', T0, { mediaStartedAt: T0 + 1000 }),
    recording('r2', T0 + 60_000, { mediaStartedAt: T0 + 60_500, endedAt: T0 + 70_500 }),
  ];
  const items = [
    evidenceItem('w1', 'working-copy', 'r1', { durationMs: 20_000 }),
    evidenceItem('w2', 'working-copy', 'r2', { durationMs: null }),
  ];

  it('finds the recording and media time that show a moment', () => {
    expect(locateMoment(recs, items, T0 + 6000)).toEqual({ recordingId: 'r1', itemId: 'w1', mediaTime: 5 });
    // Length from the recording's end when the working copy has no duration.
    expect(locateMoment(recs, items, T0 + 65_500)).toEqual({
      recordingId: 'r2',
      itemId: 'w2',
      mediaTime: 5,
    });
  });

  it('returns null for moments outside every recording', () => {
    expect(locateMoment(recs, items, T0 + 500)).toBeNull();
    expect(locateMoment(recs, items, T0 + 30_000)).toBeNull();
    expect(locateMoment(recs, items, T0 + 80_000)).toBeNull();
  });

  it('skips a recording whose working copy was disposed', () => {
    const disposed = [evidenceItem('w1', 'working-copy', 'r1', { durationMs: 20_000, disposedAt: 5 })];
    expect(locateMoment(recs, disposed, T0 + 6000)).toBeNull();
  });
});

describe('PlaybackStore', () => {
  it('seeks within the loaded item, clamped to its length, and each seek is a new request', () => {
    const p = new PlaybackStore();
    p.select('w1', 'r1');
    p.reportDuration('w1', 20);
    p.seekTo('w1', 'r1', 25);
    const first = p.get().seek;
    expect(first?.t).toBe(20);
    expect(p.get().mediaTime).toBe(20);
    p.seekTo('w1', 'r1', 20);
    expect(p.get().seek?.nonce).not.toBe(first?.nonce);
    p.seekApplied(first?.nonce ?? -1);
    expect(p.get().seek).not.toBeNull();
  });

  it('loads another item for a seek into it and ignores reports from the old one', () => {
    const p = new PlaybackStore();
    p.select('w1', 'r1');
    p.reportDuration('w1', 20);
    p.seekTo('w2', 'r2', 4);
    expect(p.get()).toMatchObject({ itemId: 'w2', recordingId: 'r2', duration: null, mediaTime: 4 });
    p.reportTime('w1', 9);
    expect(p.get().mediaTime).toBe(4);
  });

  it('keeps a known duration when the player reports Infinity', () => {
    const p = new PlaybackStore();
    p.select('w1', 'r1');
    p.reportDuration('w1', 12);
    p.reportDuration('w1', Number.POSITIVE_INFINITY);
    expect(p.get().duration).toBe(12);
  });

  it('gives the wall clock of the current position', () => {
    const p = new PlaybackStore();
    p.select('w1', 'r1');
    p.reportTime('w1', 2.5);
    expect(playbackWallClock(p.get(), [recording('r1', T0, { mediaStartedAt: T0 + 100 })])).toBe(T0 + 2600);
    expect(playbackWallClock(p.get(), [])).toBeNull();
  });
});

it('formats a media time to a tenth of a second', () => {
  expect(formatMediaTime(7.44)).toBe('0:07.4');
  expect(formatMediaTime(65)).toBe('1:05.0');
  expect(formatMediaTime(-1)).toBe('0:00.0');
});

describe('ownMedia', () => {
  it("shows the caller's photos and plays videos from the phone on their own", () => {
    expect(ownMedia(evidenceItem('p', 'caller-upload', null, { mediaType: 'image/jpeg' }))).toBe('image');
    expect(ownMedia(evidenceItem('h', 'caller-upload', null, { mediaType: 'image/heic' }))).toBe(
      'unviewable',
    );
    expect(ownMedia(evidenceItem('v', 'caller-upload', null, { mediaType: 'video/quicktime' }))).toBe(
      'video',
    );
    expect(ownMedia(evidenceItem('d', 'device-copy', 'r1', { mediaType: 'video/mp4' }))).toBe('video');
    expect(ownMedia(evidenceItem('w', 'working-copy', 'r1'))).toBeNull();
  });
});
