import { describe, expect, it } from 'vitest';
import { summary } from '../testing/fixtures.js';
import { VIDEO_LOST, videoOverlay, videoStoppedText } from './video-overlay.js';

describe('videoOverlay', () => {
  it('explains the wait before the caller has agreed', () => {
    expect(videoOverlay(summary('s', 0, { state: 'sent' }), 'idle')).toMatch(/open the link/);
  });

  it('says the video is not reaching us when a live caller stops publishing', () => {
    expect(videoOverlay(summary('s', 0, { state: 'live', publishing: false }), 'interrupted')).toBe(
      VIDEO_LOST,
    );
    expect(videoOverlay(summary('s', 0, { state: 'live', publishing: false }), 'idle')).toBe(VIDEO_LOST);
  });

  it("says when the caller's video stopped and why, over the last frame, instead of LIVE", () => {
    const at = new Date(2026, 10, 29, 14, 2, 11).getTime();
    const stopped = summary('s', 0, {
      state: 'live',
      publishing: false,
      videoStoppedAt: at,
      videoStopReason: 'caller disconnected',
    });
    // Even while our last view still calls itself playing: the frozen frame must not pass for live.
    expect(videoOverlay(stopped, 'playing')).toBe('Video stopped at 14:02:11 — caller disconnected');
    expect(videoStoppedText(stopped)).toBe('Video stopped at 14:02:11 — caller disconnected');
    expect(videoStoppedText({ ...stopped, publishing: true, videoStoppedAt: null })).toBeNull();
  });

  it('says the same when our view was lost though the caller still publishes', () => {
    expect(videoOverlay(summary('s', 0, { state: 'live', publishing: true }), 'interrupted')).toBe(
      VIDEO_LOST,
    );
  });

  it('shows nothing over a playing picture', () => {
    expect(videoOverlay(summary('s', 0, { state: 'live', publishing: true }), 'playing')).toBeNull();
  });

  it('says the session ended, whatever the viewer thinks', () => {
    expect(videoOverlay(summary('s', 0, { state: 'ended' }), 'playing')).toMatch(/ended/);
  });
});
